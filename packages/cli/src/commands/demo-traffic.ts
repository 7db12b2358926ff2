// The demo's users: penguins sent to the reference server one request each
// (the Open Inference Protocol), and the label sent back by request id when
// it is known, as a client of a served model would.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROUTING_KEY_HEADER, type RunningServer } from '@mlship/serve';

export interface DemoRequest {
  id: string;
  features: readonly number[];
  /** Sent back through the feedback endpoint when set (the label has arrived). */
  label?: string | undefined;
  /** Keeps one user on one arm of a canary. */
  routingKey?: string | undefined;
}

/** The name of the model's one input tensor, from its metadata. */
export async function servedInput(server: RunningServer, model: string): Promise<string> {
  const res = await fetch(`${server.url}/v2/models/${model}`);
  if (!res.ok) throw new Error(`mlship demo: /v2/models/${model} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { inputs: { name: string }[] }).inputs[0]!.name;
}

/** One inference request per row, in order, each followed by its label when it has one. */
export async function sendRequests(
  server: RunningServer,
  model: string,
  input: string,
  requests: Iterable<DemoRequest>,
): Promise<void> {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`mlship demo: ${path} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (const r of requests) {
    await post(
      `/v2/models/${model}/infer`,
      { id: r.id, inputs: [{ name: input, shape: [1, r.features.length], datatype: 'FP32', data: r.features }] },
      r.routingKey ? { [ROUTING_KEY_HEADER]: r.routingKey } : {},
    );
    if (r.label !== undefined) await post(`/v2/mlship/models/${model}/feedback`, { id: r.id, label: r.label });
  }
}

/** How long the demo waits for the server's log to reach the disk (it writes every 50 ms). */
const LOG_WAIT_MS = 30_000;

/**
 * Waits until the server's prediction log holds the last record sent: it
 * writes lines in batches, in order, so every record before it is there too.
 */
export async function untilLogged(dataDir: string, last: { kind: 'prediction' | 'label'; id: string }): Promise<void> {
  const dir = join(dataDir, 'predictions');
  const kind = `"kind":"${last.kind}"`;
  const id = `"id":${JSON.stringify(last.id)}`;
  const deadline = Date.now() + LOG_WAIT_MS;
  do {
    for (const file of await readdir(dir))
      if ((await readFile(join(dir, file), 'utf8')).split('\n').some((l) => l.includes(kind) && l.includes(id))) return;
    await sleep(50);
  } while (Date.now() < deadline);
  throw new Error(`mlship demo: the server's log never held the ${last.kind} of request ${last.id}`);
}
