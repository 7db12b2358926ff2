// A serving runtime in miniature, for tests and the simulation: models are
// plain functions, requests are replayed in process, and the evidence is
// folded exactly as the evidence contract says (foldLabelledRequest, latency
// histograms, data profiles). startEvidenceServer puts it behind the
// reference server's HTTP API on loopback, so the bundled deploy action can
// drive it from another process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  emptyLabelledSums,
  foldLabelledRequest,
  TrafficRequestSchema,
  type Evidence,
  type LabelledSums,
  type Prediction,
  type TrafficRequest,
  type TrafficState,
} from '../src/index.ts';
import { PER_REQUEST_METRICS } from '@mlship/eval';
import { profileRecords, type Row } from './profile-records.ts';

export type { Row };

export interface SimulatedModel {
  version: string;
  /** Throws to fail the request. `id` is the request's key (the simulation's way to know its label). */
  predict(features: Row, id: number): Prediction;
  /** Milliseconds the request takes (default 2). */
  latencyMs?: (row: Row) => number;
}

export interface LabelledRow {
  id: number;
  features: Row;
  label: string | number;
}

export const LATENCY_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

class Arm {
  scored = 0;
  served = 0;
  errors = 0;
  counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  /** What the arm scored and answered, profiled when the evidence is read. */
  inputs: Row[] = [];
  outputs: Row[] = [];
  readonly version: string;
  constructor(version: string) {
    this.version = version;
  }

  time(ms: number): void {
    const bucket = LATENCY_BOUNDS_MS.findIndex((b) => ms <= b);
    this.counts[bucket === -1 ? LATENCY_BOUNDS_MS.length : bucket]! += 1;
  }
}

interface Window {
  since: string;
  prod: Arm;
  canary: Arm;
  compared: number;
  disagreed: number;
  labels: LabelledSums;
}

function outputRow(p: Prediction): Row {
  return p.kind === 'class' ? { label: p.label } : { value: p.value };
}

function disagree(a: Prediction, b: Prediction): boolean {
  if (a.kind === 'class' && b.kind === 'class') return a.label !== b.label;
  if (a.kind === 'value' && b.kind === 'value')
    return Math.abs(a.value - b.value) > 1e-9 * Math.max(1, Math.abs(a.value));
  return true;
}

export class SimulatedRuntime {
  readonly model: string;
  private readonly models = new Map<string, SimulatedModel>();
  private routing: TrafficState;
  private readonly windows = new Map<string, Window>();
  private requests = 0;
  /** Every traffic request received, in order (what the controller asked for). */
  readonly trafficLog: TrafficRequest[] = [];
  clock: () => Date = () => new Date();

  constructor(model: string, models: readonly SimulatedModel[], prod: string) {
    this.model = model;
    for (const m of models) this.models.set(m.version, m);
    this.routing = { model, prod, canary: null, canaryWeight: 0, shadow: false, since: new Date().toISOString() };
  }

  add(model: SimulatedModel): void {
    this.models.set(model.version, model);
  }

  /** The versions loaded. */
  get versions(): string[] {
    return [...this.models.keys()];
  }

  get traffic(): TrafficState {
    return this.routing;
  }

  setTraffic(request: TrafficRequest): TrafficState {
    for (const v of [request.prod, request.canary]) {
      if (v !== null && !this.models.has(v)) throw new RangeError(`version ${v} is not loaded`);
    }
    this.trafficLog.push(request);
    const same =
      this.routing.prod === request.prod &&
      this.routing.canary === request.canary &&
      this.routing.canaryWeight === request.canaryWeight &&
      this.routing.shadow === request.shadow;
    if (!same) this.routing = { model: this.model, ...request, since: this.clock().toISOString() };
    return this.routing;
  }

  private window(prod: string, canary: string): Window {
    const key = `${prod}|${canary}`;
    let w = this.windows.get(key);
    if (!w) {
      w = {
        since: this.clock().toISOString(),
        prod: new Arm(prod),
        canary: new Arm(canary),
        compared: 0,
        disagreed: 0,
        labels: emptyLabelledSums(),
      };
      this.windows.set(key, w);
    }
    return w;
  }

  /**
   * Serves the rows as requests, in order: each goes to the canary for its
   * weight's share (by request number, so replays are reproducible), both
   * models score it in shadow mode, and every `labelEvery`-th request's label
   * comes back.
   */
  replay(rows: readonly LabelledRow[], options: { labelEvery?: number } = {}): void {
    const { prod, canary, canaryWeight, shadow } = this.routing;
    if (!canary) {
      this.requests += rows.length;
      return;
    }
    const w = this.window(prod, canary);
    const models = { prod: this.models.get(prod)!, canary: this.models.get(canary)! };
    const scoredRows = { prod: [] as Row[], canary: [] as Row[] };
    const outputs = { prod: [] as Row[], canary: [] as Row[] };
    for (const row of rows) {
      const n = this.requests++;
      const toCanary = ((n * 2654435761) >>> 0) % 10_000 < canaryWeight * 100;
      const scored: { prod?: Prediction; canary?: Prediction } = {};
      for (const side of ['prod', 'canary'] as const) {
        const serves = side === 'canary' ? toCanary : !toCanary;
        if (!serves && !shadow) continue;
        const arm = w[side];
        arm.scored++;
        if (serves) arm.served++;
        arm.time(models[side].latencyMs?.(row.features) ?? 2);
        scoredRows[side].push(row.features);
        try {
          scored[side] = models[side].predict(row.features, row.id);
          outputs[side].push(outputRow(scored[side]));
        } catch {
          arm.errors++;
        }
      }
      if (scored.prod && scored.canary) {
        w.compared++;
        if (disagree(scored.prod, scored.canary)) w.disagreed++;
      }
      if ((n + 1) % (options.labelEvery ?? 1) === 0 && (scored.prod || scored.canary))
        w.labels = foldLabelledRequest(w.labels, PER_REQUEST_METRICS, row.label, scored);
    }
    for (const side of ['prod', 'canary'] as const) {
      w[side].inputs.push(...scoredRows[side]);
      w[side].outputs.push(...outputs[side]);
    }
  }

  async evidence(query: { prod: string; canary: string; since: string }): Promise<Evidence> {
    const w = this.window(query.prod, query.canary);
    const profiles = async (a: Arm) => ({
      ...(a.inputs.length > 0 ? { inputs: await profileRecords(a.inputs) } : {}),
      ...(a.outputs.length > 0 ? { outputs: await profileRecords(a.outputs) } : {}),
    });
    const [prodProfiles, canaryProfiles] = [await profiles(w.prod), await profiles(w.canary)];
    const arm = (a: Arm, profiled: Awaited<ReturnType<typeof profiles>>) => ({
      version: a.version,
      scored: a.scored,
      served: a.served,
      errors: a.errors,
      latency: { boundsMs: LATENCY_BOUNDS_MS, counts: [...a.counts] },
      ...profiled,
    });
    const routedHere = this.routing.prod === query.prod && this.routing.canary === query.canary;
    return {
      schemaVersion: 1,
      model: this.model,
      since: w.since > query.since ? w.since : query.since,
      asOf: this.clock().toISOString(),
      routing: routedHere
        ? { canaryWeight: this.routing.canaryWeight, shadow: this.routing.shadow }
        : { canaryWeight: 0, shadow: false },
      prod: arm(w.prod, prodProfiles),
      canary: arm(w.canary, canaryProfiles),
      ...(w.compared > 0 || this.routing.shadow
        ? { comparisons: { compared: w.compared, disagreed: w.disagreed } }
        : {}),
      labels: w.labels,
    };
  }
}

export interface EvidenceServer {
  url: string;
  /** Answers nothing (the connection is refused) until `up()`: a server that is down. */
  down(): Promise<void>;
  close(): Promise<void>;
}

/** The runtime behind the reference server's traffic and evidence endpoints, on 127.0.0.1. */
export async function startEvidenceServer(runtime: SimulatedRuntime, port = 0): Promise<EvidenceServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/v2\/mlship\/models\/([^/]+)\/(traffic|evidence)$/.exec(url.pathname);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!m || decodeURIComponent(m[1]!) !== runtime.model) return send(404, { error: `no model at ${url.pathname}` });
    if (m[2] === 'traffic' && req.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const parsed = TrafficRequestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      if (!parsed.success) return send(400, { error: parsed.error.issues[0]!.message });
      try {
        return send(200, runtime.setTraffic(parsed.data));
      } catch (error) {
        return send(422, { error: (error as Error).message });
      }
    }
    if (m[2] === 'evidence' && req.method === 'GET') {
      const [prod, canary, since] = ['prod', 'canary', 'since'].map((k) => url.searchParams.get(k));
      if (!prod || !canary || !since) return send(400, { error: 'prod, canary and since are required' });
      return send(200, await runtime.evidence({ prod, canary, since }));
    }
    return send(405, { error: `${req.method} is not allowed on ${url.pathname}` });
  };
  let server = createServer((req, res) => void handle(req, res));
  const listen = (p: number) =>
    new Promise<number>((resolve) =>
      server.listen(p, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  const bound = await listen(port);
  return {
    url: `http://127.0.0.1:${bound}`,
    down: () => new Promise<void>((resolve) => server.close(() => resolve())),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
