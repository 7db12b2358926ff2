// Labels by request id: each labelled row compares what prod and the canary
// answered for the same input (paired) when both scored it, and goes to the
// answering model's own sums otherwise.
import { z } from 'zod';
import type { ServeRecorders } from './inference.ts';
import { parseBody, ProtocolError } from './oip/protocol.ts';

const Truth = z.union([z.string(), z.number().refine(Number.isFinite, 'must be a finite number')]);

/** `POST /v2/mlship/models/{model}/feedback`: one label, or one per row of a batch request. */
export const FeedbackSchema = z.strictObject({
  id: z.string().min(1),
  label: z.union([Truth, z.array(Truth).min(1)]),
});

/** How long a label waits for the shadow model to finish scoring its request. */
const SHADOW_WAIT_MS = 10_000;

export async function recordFeedback(r: ServeRecorders, body: unknown): Promise<{ id: string; rows: number }> {
  const { id, label } = parseBody(FeedbackSchema, body, 'feedback');
  const pending = r.pending.get(id, r.now());
  if (!pending)
    throw new ProtocolError(
      404,
      `no prediction with id '${id}': unknown, or older than the ${r.pending.maxAgeMs / 3_600_000} h (and ${r.pending.maxEntries} predictions) this server keeps for labels`,
    );
  if (pending.labelled) throw new ProtocolError(409, `prediction '${id}' is already labelled; a label counts once`);
  const labels = Array.isArray(label) ? label : [label];
  if (labels.length !== pending.rows)
    throw new ProtocolError(
      400,
      `feedback: request '${id}' scored ${pending.rows} row${pending.rows === 1 ? '' : 's'}; send ${pending.rows === 1 ? 'one label' : `an array of ${pending.rows} labels`}, not ${labels.length}`,
    );
  r.pending.markLabelled(pending.ref);
  if (pending.shadowDone) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending.shadowDone, new Promise((resolve) => (timer = setTimeout(resolve, SHADOW_WAIT_MS)))]);
    clearTimeout(timer);
  }
  const [prod, canary] = [r.pending.predictions(pending.ref, 'prod'), r.pending.predictions(pending.ref, 'canary')];
  labels.forEach((truth, i) =>
    r.book.recordLabel(pending.atMs, pending.prodVersion, pending.canaryVersion, truth, {
      prod: prod?.[i],
      canary: canary?.[i],
    }),
  );
  r.metrics.labels.inc({ model: r.traffic.modelName });
  r.log?.write({ kind: 'label', ts: new Date(r.now()).toISOString(), id, label });
  return { id, rows: labels.length };
}
