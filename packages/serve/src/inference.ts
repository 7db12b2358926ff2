// One inference request end to end: route it, score it on the model that
// answers (and in shadow mode on the other one too, without waiting for it),
// and record what happened: evidence, metrics, the prediction log, the
// hourly profiles, and the answer kept for its label.
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Prediction } from '@mlship/deploy';
import type { FeedTensor, OutputTensor } from '@mlship/onnx';
import type { EvidenceBook } from './evidence/evidence-book.ts';
import type { PendingPrediction, PendingPredictions } from './evidence/pending-predictions.ts';
import type { PredictionLog } from './log/prediction-log.ts';
import { ProtocolError, type InferRequest, type InferResponse } from './oip/protocol.ts';
import type { ProfileStore } from './profile/profile-store.ts';
import { routeArm } from './routing.ts';
import type { ServeMetrics } from './serve-metrics.ts';
import { decodeInputs, disagree, encodeOutputs, inputRows, outputRow, predictionsOf } from './model/tensor-codec.ts';
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

type Arm = 'prod' | 'canary';

interface Scored {
  arm: Arm;
  handle: ModelHandle;
  latencyMs: number;
  outputs?: Record<string, OutputTensor>;
  predictions?: Prediction[];
  error?: string;
}

/** The header (or request parameter `routing_key`) whose value keeps a user on one model. */
export const ROUTING_KEY_HEADER = 'mlship-routing-key';

export async function infer(
  r: ServeRecorders,
  request: InferRequest,
  options: { version?: string | undefined; routingKey?: string | undefined },
): Promise<InferResponse> {
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
  let inputsText: string | undefined;
  const inputsDigest = () =>
    createHash('sha256')
      .update((inputsText ??= JSON.stringify(request.inputs)))
      .digest('hex');
  record(r, main, {
    id,
    atMs,
    rows,
    served: true,
    feeds,
    inputs: r.logInputs === 'full' ? request.inputs : undefined,
    inputsDigest,
  });

  const pending: PendingPrediction = { atMs, rows, prodVersion, canaryVersion, labelled: false };
  pending[servedArm] = main.predictions;
  if (shadowRun) {
    pending.shadowDone = shadowRun.then((other) => {
      shadow!.release();
      record(r, other, { id, atMs, rows, served: false, feeds, inputs: undefined, inputsDigest });
      pending[otherArm] = other.predictions;
      if (main.predictions && other.predictions && canaryVersion) {
        let disagreed = 0;
        for (let i = 0; i < rows; i++) if (disagree(main.predictions[i]!, other.predictions[i]!)) disagreed++;
        r.book.recordComparison(atMs, prodVersion, canaryVersion, rows, disagreed);
      }
    });
  }
  r.pending.add(id, pending);

  if (main.error)
    throw new ProtocolError(500, `${served.model.name} ${served.model.version} failed on this request: ${main.error}`);
  return {
    model_name: served.model.name,
    model_version: served.model.version,
    id,
    outputs: encodeOutputs(main.outputs!, served.model, request.outputs),
  };
}

async function score(handle: ModelHandle, arm: Arm, feeds: Record<string, FeedTensor>, rows: number): Promise<Scored> {
  const start = performance.now();
  try {
    const outputs = await handle.run(feeds, rows);
    const predictions = predictionsOf(outputs, handle.model, rows);
    return { arm, handle, latencyMs: performance.now() - start, outputs, predictions };
  } catch (error) {
    return { arm, handle, latencyMs: performance.now() - start, error: (error as Error).message.split('\n')[0] };
  }
}

function record(
  r: ServeRecorders,
  s: Scored,
  request: {
    id: string;
    atMs: number;
    rows: number;
    served: boolean;
    feeds: Record<string, FeedTensor>;
    inputs: unknown;
    inputsDigest: () => string;
  },
): void {
  const model = s.handle.model;
  const failed = s.error !== undefined;
  r.book.recordScore(request.atMs, model.version, {
    rows: request.rows,
    served: request.served,
    error: failed,
    latencyMs: s.latencyMs,
  });
  r.metrics.scored(model.name, model.version, request.served ? s.arm : 'shadow', s.latencyMs, failed);
  r.log?.write({
    kind: 'prediction',
    ts: new Date(request.atMs).toISOString(),
    id: request.id,
    model: model.name,
    version: model.version,
    arm: s.arm,
    served: request.served,
    rows: request.rows,
    ...(request.inputs === undefined ? { inputsSha256: request.inputsDigest() } : { inputs: request.inputs }),
    ...(s.predictions ? { outputs: s.predictions } : { error: s.error }),
    latencyMs: Math.round(s.latencyMs * 1000) / 1000,
  });
  if (r.profiles && s.predictions) {
    r.profiles.append(model.version, 'inputs', request.atMs, inputRows(request.feeds, model, request.rows));
    r.profiles.append(model.version, 'outputs', request.atMs, s.predictions.map(outputRow));
  }
}
