// One inference request end to end: route it, score it on the model that
// answers (and in shadow mode on the other one too, without waiting for it),
// and record what happened: evidence, metrics, the prediction log, the
// hourly profiles, and the answer kept for its label.
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FeedTensor, OutputTensor } from '@mlship/onnx';
import type { EvidenceBook } from './evidence/evidence-book.ts';
import type { Arm, PendingPredictions } from './evidence/pending-predictions.ts';
import type { PredictionLog } from './log/prediction-log.ts';
import { ProtocolError, type InferRequest } from './oip/protocol.ts';
import type { ProfileStore } from './profile/profile-store.ts';
import { routeArm } from './routing.ts';
import type { ServeMetrics } from './serve-metrics.ts';
import { disagreements, inputRowsJsonl, outputRowsJsonl, predictionsJson, responseJson } from './model/answer-text.ts';
import { checkWantedOutputs, decodeInputs } from './model/tensor-codec.ts';
import type { ModelHandle, Traffic } from './traffic.ts';

export interface ServeRecorders {
  traffic: Traffic;
  book: EvidenceBook;
  pending: PendingPredictions;
  log: PredictionLog | undefined;
  profiles: ProfileStore | undefined;
  metrics: ServeMetrics;
  /** 'digest': the log keeps a SHA-256 of each request's inputs instead of the inputs. */
  logInputs: 'full' | 'digest';
  now: () => number;
}

interface Scored {
  arm: Arm;
  handle: ModelHandle;
  latencyMs: number;
  outputs?: Record<string, OutputTensor>;
  error?: string;
}

/** The header (or request parameter `routing_key`) whose value keeps a user on one model. */
export const ROUTING_KEY_HEADER = 'mlship-routing-key';

/** Scores one request and answers the JSON text of its protocol response. */
export async function infer(
  r: ServeRecorders,
  request: InferRequest,
  options: { version?: string | undefined; routingKey?: string | undefined },
): Promise<string> {
  const id = request.id ?? randomUUID();
  const routing = r.traffic.current;
  let served: ModelHandle;
  let servedArm: Arm;
  let shadow: ModelHandle | undefined;
  if (options.version !== undefined) {
    const handle = r.traffic.handleOf(options.version);
    if (!handle)
      throw new ProtocolError(
        404,
        `version ${options.version} of ${r.traffic.modelName} is not served here (serving: ${[routing.prod, routing.canary].flatMap((h) => (h ? [h.model.version] : [])).join(', ')})`,
      );
    served = handle;
    servedArm = handle === routing.prod ? 'prod' : 'canary';
  } else {
    const param = request.parameters?.routing_key;
    const key = options.routingKey ?? (param === undefined ? id : String(param));
    servedArm = routing.canary ? routeArm(key, routing.canaryWeight) : 'prod';
    served = servedArm === 'canary' ? routing.canary! : routing.prod;
    if (routing.shadow && routing.canary) shadow = servedArm === 'canary' ? routing.prod : routing.canary;
  }
  // Both models take the same inputs (checked when the canary loads), so one decode feeds both.
  const { rows, feeds } = decodeInputs(request.inputs, served.model);
  // An unknown output name is the client's mistake: refused before any model runs.
  if (request.outputs?.length) checkWantedOutputs(served.model, request.outputs);
  const atMs = r.now();
  const prodVersion = routing.prod.model.version;
  const canaryVersion = routing.canary?.model.version ?? null;
  const otherArm: Arm = servedArm === 'prod' ? 'canary' : 'prod';

  served.acquire();
  shadow?.acquire();
  const shadowRun = shadow ? score(shadow, otherArm, feeds, rows) : undefined;
  let main: Scored;
  try {
    main = await score(served, servedArm, feeds, rows);
  } finally {
    served.release();
  }
  // The inputs are encoded once: the served line carries them, the shadow line their digest.
  let inputsText: string | undefined;
  let inputsDigest: string | undefined;
  const inputs = () => (inputsText ??= JSON.stringify(request.inputs));
  const digest = () => (inputsDigest ??= createHash('sha256').update(inputs()).digest('hex'));
  const line = { id, atMs, rows, feeds };
  record(r, main, line, true, r.logInputs === 'full' ? `"inputs":${inputs()}` : `"inputsSha256":"${digest()}"`);

  const pending = r.pending.add(id, { atMs, rows, prodVersion, canaryVersion });
  if (main.outputs) r.pending.answer(pending, servedArm, served.model, main.outputs);
  if (shadowRun) {
    const done = shadowRun.then((other) => {
      shadow!.release();
      record(r, other, line, false, `"inputsSha256":"${digest()}"`);
      if (other.outputs) r.pending.answer(pending, otherArm, shadow!.model, other.outputs);
      if (main.outputs && other.outputs && canaryVersion) {
        const disagreed = disagreements(
          { model: served.model, outputs: main.outputs },
          { model: shadow!.model, outputs: other.outputs },
          rows,
        );
        r.book.recordComparison(atMs, prodVersion, canaryVersion, rows, disagreed);
      }
    });
    r.pending.waitFor(pending, done);
  }

  if (main.error)
    throw new ProtocolError(500, `${served.model.name} ${served.model.version} failed on this request: ${main.error}`);
  return responseJson(served.model, id, main.outputs!, request.outputs);
}

async function score(handle: ModelHandle, arm: Arm, feeds: Record<string, FeedTensor>, rows: number): Promise<Scored> {
  const start = performance.now();
  try {
    const outputs = await handle.run(feeds, rows);
    return { arm, handle, latencyMs: performance.now() - start, outputs };
  } catch (error) {
    return { arm, handle, latencyMs: performance.now() - start, error: (error as Error).message.split('\n')[0] };
  }
}

/** The log's timestamp of the last millisecond asked for: requests of one millisecond share it. */
let lastTs = { ms: Number.NaN, text: '' };
function isoTime(ms: number): string {
  if (ms !== lastTs.ms) lastTs = { ms, text: new Date(ms).toISOString() };
  return lastTs.text;
}

/**
 * Evidence, metrics, the log line and the profile rows of one scored request.
 * The log line is written as text, in the key order of its documented format.
 */
function record(
  r: ServeRecorders,
  s: Scored,
  request: { id: string; atMs: number; rows: number; feeds: Record<string, FeedTensor> },
  served: boolean,
  inputsField: string,
): void {
  const model = s.handle.model;
  const failed = s.error !== undefined;
  r.book.recordScore(request.atMs, model.version, {
    rows: request.rows,
    served,
    error: failed,
    latencyMs: s.latencyMs,
  });
  r.metrics.scored(model.name, model.version, served ? s.arm : 'shadow', s.latencyMs, failed);
  r.log?.writeLine(
    `{"kind":"prediction","ts":"${isoTime(request.atMs)}","id":${JSON.stringify(request.id)},"model":${JSON.stringify(model.name)},"version":${JSON.stringify(model.version)},"arm":"${s.arm}","served":${served},"rows":${request.rows},${inputsField},${s.outputs ? `"outputs":${predictionsJson(s.outputs, model, request.rows)}` : `"error":${JSON.stringify(s.error)}`},"latencyMs":${Math.round(s.latencyMs * 1000) / 1000}}`,
  );
  if (r.profiles && s.outputs && request.rows > 0) {
    r.profiles.append(model.version, 'inputs', request.atMs, inputRowsJsonl(request.feeds, model, request.rows));
    r.profiles.append(model.version, 'outputs', request.atMs, outputRowsJsonl(s.outputs, model, request.rows));
  }
}
