// Micro-batching through the whole server: requests that share a model run
// are answered, routed, logged, counted and compared exactly as when each
// runs alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvidenceSchema, TrafficStateSchema } from '@mlship/deploy';
import { CANARY_MODEL, PROD_MODEL, inferBody, serveFixture } from '../test-kit/serve-fixture.ts';

const INFER = '/v2/models/penguins/infer';
const ROLLOUT = '/v2/mlship/models/penguins';

/** 30 requests of 1 to 3 rows (60 rows), each with its own id and user. */
const REQUESTS = Array.from({ length: 30 }, (_, i) => ({
  id: `q${i}`,
  user: `user-${i}`,
  rows: Array.from({ length: 1 + (i % 3) }, (_, k) => [30 + ((i * 7 + k * 11) % 35), 170 + ((i * 13 + k * 5) % 60)]),
}));
const TOTAL_ROWS = REQUESTS.reduce((n, r) => n + r.rows.length, 0);

test('requests that share a run get the answers, routing, log lines and evidence they get alone', async () => {
  const models = { prod: PROD_MODEL(), canary: CANARY_MODEL() };
  const routing = { canaryWeight: 50, shadow: true };
  // Alone: one request at a time. Together: every request's rows fill one run per model (the batch
  // goes when full, and the queue delay is longer than the test), so all 30 share it.
  const alone = await serveFixture(models, routing);
  const together = await serveFixture(models, { ...routing, maxBatchRows: TOTAL_ROWS, maxQueueDelayMs: 600_000 });
  try {
    const send = (f: typeof alone, r: (typeof REQUESTS)[number]) =>
      fetch(`${f.server.url}${INFER}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'mlship-routing-key': r.user },
        body: JSON.stringify(inferBody(r.rows, { id: r.id })),
      }).then(async (res) => ({ status: res.status, text: await res.text() }));
    const expected = [];
    for (const r of REQUESTS) expected.push(await send(alone, r));
    const answers = await Promise.all(REQUESTS.map((r) => send(together, r)));
    assert.deepEqual(answers, expected, 'byte for byte');
    const served = new Set(answers.map((a) => JSON.parse(a.text).model_version));
    assert.equal(served.size, 2, 'both versions answered someone');

    const metrics = (await together.get('/metrics')).text;
    const runs = metrics.split('\n').filter((l) => l.startsWith('mlship_model_runs_total{'));
    assert.equal(runs.length, 2);
    for (const line of runs) assert.match(line, / 1$/, `one run per version for all 30 requests: ${line}`);

    const state = TrafficStateSchema.parse((await together.get(`${ROLLOUT}/traffic`)).body);
    for (const r of REQUESTS)
      assert.equal(
        (await together.post(`${ROLLOUT}/feedback`, { id: r.id, label: r.rows.map(() => 'big') })).status,
        200,
      );
    const evidence = EvidenceSchema.parse(
      (await together.get(`${ROLLOUT}/evidence?prod=${state.prod}&canary=${state.canary}&since=2020-01-01T00:00:00Z`))
        .body,
    );
    assert.equal(evidence.prod.scored, TOTAL_ROWS);
    assert.equal(evidence.canary.scored, TOTAL_ROWS);
    assert.equal(evidence.prod.served + evidence.canary.served, TOTAL_ROWS);
    assert.equal(evidence.comparisons?.compared, TOTAL_ROWS);
    assert.equal(evidence.labels.received, TOTAL_ROWS);
  } finally {
    await alone.server.close();
    await together.server.close();
  }
  const log = async (f: typeof alone) =>
    (await readFile(join(f.dir, 'data', 'predictions', 'predictions.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.kind === 'prediction')
      .map(({ ts: _ts, latencyMs: _latencyMs, ...line }) => line)
      .sort((a, b) => `${a.id}${a.served}`.localeCompare(`${b.id}${b.served}`));
  const lines = await log(together);
  assert.equal(lines.length, 2 * REQUESTS.length, 'a served and a shadow line per request');
  assert.deepEqual(lines, await log(alone));
  await alone.close();
  await together.close();
});
