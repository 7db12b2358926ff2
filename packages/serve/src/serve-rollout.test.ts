// The rollout side of the server, over loopback: weighted sticky routing,
// shadow scoring, labels by request id, the evidence the controller reads,
// traffic changes, metrics, the prediction log and the refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvidenceSchema, TrafficStateSchema, judgeGuardrails } from '@mlship/deploy';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { CANARY_MODEL, PROD_MODEL, inferBody, serveFixture } from '../test-kit/serve-fixture.ts';
import { startServe } from './start-serve.ts';

const INFER = '/v2/models/penguins/infer';
const ROLLOUT = '/v2/mlship/models/penguins';

async function versions(f: { get(path: string): Promise<{ body: any }> }) {
  const state = TrafficStateSchema.parse((await f.get(`${ROLLOUT}/traffic`)).body);
  return { prod: state.prod, canary: state.canary! };
}

test('at weight 0 prod answers every request; at 100 the canary does', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { canaryWeight: 0 });
  try {
    const v = await versions(f);
    for (let i = 0; i < 20; i++) assert.equal((await f.post(INFER, inferBody([[40, 205]]))).body.model_version, v.prod);
    await f.put(`${ROLLOUT}/traffic`, { prod: v.prod, canary: v.canary, canaryWeight: 100, shadow: true });
    for (let i = 0; i < 20; i++)
      assert.equal((await f.post(INFER, inferBody([[40, 205]]))).body.model_version, v.canary);
  } finally {
    await f.close();
  }
});

test('a routing key keeps a user on one model, by header or by request parameter', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { canaryWeight: 50 });
  try {
    const seen = new Map<string, Set<string>>();
    for (let i = 0; i < 10; i++) {
      for (const user of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
        const byHeader = await f.post(INFER, inferBody([[40, 205]]), { 'mlship-routing-key': user });
        const byParameter = await f.post(INFER, inferBody([[40, 205]], { parameters: { routing_key: user } }));
        const set = seen.get(user) ?? new Set();
        set.add(byHeader.body.model_version).add(byParameter.body.model_version);
        seen.set(user, set);
      }
    }
    for (const [user, set] of seen) assert.equal(set.size, 1, `${user} saw ${[...set].join(', ')}`);
    // Six users at 50%: both models serve someone (the hash is fixed, so this cannot flake).
    assert.equal(new Set([...seen.values()].flatMap((s) => [...s])).size, 2);
  } finally {
    await f.close();
  }
});

test('in shadow mode both models score every request, and the evidence counts their disagreements', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { canaryWeight: 0, shadow: true });
  try {
    const v = await versions(f);
    // Rows where prod (bill + flipper > 250) and the canary (flipper > 200) disagree: 40+205 and 60+195.
    const rows = [
      [40, 205],
      [60, 195],
      [30, 180],
      [50, 230],
    ];
    for (const [i, row] of rows.entries()) await f.post(INFER, inferBody([row!], { id: `r${i}` }));
    const since = new Date(Date.now() - 60_000).toISOString();
    // The shadow answer is recorded after the response; labels wait for it, so a label makes sure.
    for (let i = 0; i < rows.length; i++) await f.post(`${ROLLOUT}/feedback`, { id: `r${i}`, label: 'big' });
    const evidence = EvidenceSchema.parse(
      (await f.get(`${ROLLOUT}/evidence?prod=${v.prod}&canary=${v.canary}&since=${since}`)).body,
    );
    assert.equal(evidence.prod.scored, 4);
    assert.equal(evidence.prod.served, 4);
    assert.equal(evidence.canary.scored, 4);
    assert.equal(evidence.canary.served, 0);
    assert.deepEqual(evidence.comparisons, { compared: 4, disagreed: 2 });
    // Prod (bill + flipper: 245, 255, 210, 280) answers small, big, small, big; the canary big, small, small, big.
    const accuracy = evidence.labels.paired.accuracy!;
    assert.equal(accuracy.prod.n, 4);
    assert.equal(accuracy.prod.sum, 2); // prod says big for 60+195 and 50+230
    assert.equal(accuracy.canary.sum, 2); // the canary says big for 40+205 and 50+230
    assert.equal(accuracy.difference.sum, 0);
    assert.equal(evidence.labels.received, 4);
  } finally {
    await f.close();
  }
});

test('without shadow only the routed model scores, and labels go to its own sums', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { canaryWeight: 100, shadow: false });
  try {
    const v = await versions(f);
    const r = await f.post(INFER, inferBody([[40, 205]], { id: 'only-canary' }));
    assert.equal(r.body.model_version, v.canary);
    assert.equal((await f.post(`${ROLLOUT}/feedback`, { id: 'only-canary', label: 'big' })).status, 200);
    const evidence = EvidenceSchema.parse(
      (await f.get(`${ROLLOUT}/evidence?prod=${v.prod}&canary=${v.canary}&since=2020-01-01T00:00:00Z`)).body,
    );
    assert.equal(evidence.prod.scored, 0);
    assert.equal(evidence.canary.served, 1);
    assert.equal(evidence.comparisons, undefined);
    assert.deepEqual(evidence.labels.paired, {});
    assert.deepEqual(evidence.labels.canary.accuracy, { n: 1, sum: 1, sumSquares: 1 });
  } finally {
    await f.close();
  }
});

test('feedback: an unknown id is 404, a second label 409, a batch needs one label per row', async () => {
  const f = await serveFixture({ prod: PROD_MODEL() });
  try {
    const unknown = await f.post(`${ROLLOUT}/feedback`, { id: 'never-seen', label: 'big' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /^no prediction with id 'never-seen'/);
    await f.post(
      INFER,
      inferBody(
        [
          [40, 190],
          [50, 220],
        ],
        { id: 'batch' },
      ),
    );
    const short = await f.post(`${ROLLOUT}/feedback`, { id: 'batch', label: 'big' });
    assert.equal(short.status, 400);
    assert.match(short.body.error, /scored 2 rows; send an array of 2 labels, not 1/);
    assert.deepEqual((await f.post(`${ROLLOUT}/feedback`, { id: 'batch', label: ['small', 'big'] })).body, {
      id: 'batch',
      rows: 2,
    });
    const again = await f.post(`${ROLLOUT}/feedback`, { id: 'batch', label: ['small', 'big'] });
    assert.equal(again.status, 409);
    const malformed = await f.post(`${ROLLOUT}/feedback`, { request: 'batch' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error, /^feedback: /);
  } finally {
    await f.close();
  }
});

test("the evidence carries input and output profiles the judge's drift guardrails can read", async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { canaryWeight: 50 });
  try {
    const v = await versions(f);
    for (let i = 0; i < 60; i++) await f.post(INFER, inferBody([[35 + (i % 25), 175 + i]]));
    const evidence = EvidenceSchema.parse(
      (await f.get(`${ROLLOUT}/evidence?prod=${v.prod}&canary=${v.canary}&since=2020-01-01T00:00:00Z`)).body,
    );
    assert.equal(evidence.canary.inputs?.rowCount, 60);
    assert.deepEqual(
      evidence.canary.inputs?.columns.map((c) => c.name),
      ['bill_length_mm', 'flipper_length_mm'],
    );
    assert.deepEqual(
      evidence.prod.outputs?.columns.map((c) => c.name),
      ['label', 'probability[small]', 'probability[big]'],
    );
    assert.equal(evidence.prod.served + evidence.canary.served, 60);
    const guardrails = judgeGuardrails(
      evidence,
      {
        errorRateMaxIncrease: 0.01,
        latencyP99MaxRatio: 1.5,
        disagreementMax: 0.9,
        predictionDrift: true,
        inputDrift: true,
      },
      0.05,
      evidence.prod.inputs,
      { gates: 0, labels: 0, minLabels: 100 },
    );
    const status = Object.fromEntries(guardrails.map((g) => [g.name, g.status]));
    assert.equal(status['input drift'], 'ok');
    assert.notEqual(status['prediction drift'], 'unmeasured');
  } finally {
    await f.close();
  }
});

test('the evidence query is checked: a missing version or a bad time is a 400', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() });
  try {
    const noCanary = await f.get(`${ROLLOUT}/evidence?prod=v1&since=2020-01-01T00:00:00Z`);
    assert.equal(noCanary.status, 400);
    assert.match(noCanary.body.error, /canary: is required/);
    const badTime = await f.get(`${ROLLOUT}/evidence?prod=v1&canary=v2&since=yesterday`);
    assert.equal(badTime.status, 400);
    assert.match(badTime.body.error, /since: must be an ISO 8601 time/);
  } finally {
    await f.close();
  }
});

test('traffic: a change is answered with the routing in force; a version a file server does not hold is 409', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() });
  try {
    const v = await versions(f);
    const before = TrafficStateSchema.parse((await f.get(`${ROLLOUT}/traffic`)).body);
    assert.equal(before.canaryWeight, 0);
    assert.equal(before.shadow, true);
    const set = await f.put(`${ROLLOUT}/traffic`, { prod: v.prod, canary: v.canary, canaryWeight: 25, shadow: false });
    assert.equal(set.status, 200);
    assert.deepEqual(
      { ...set.body, since: undefined },
      { ...before, canaryWeight: 25, shadow: false, since: undefined },
    );
    const unknown = await f.put(`${ROLLOUT}/traffic`, { prod: 'v9.0.0', canary: null, canaryWeight: 0, shadow: false });
    assert.equal(unknown.status, 409);
    assert.match(unknown.body.error, /version v9\.0\.0 is not loaded/);
    const bad = await f.put(`${ROLLOUT}/traffic`, { prod: v.prod, canary: v.canary, canaryWeight: 120, shadow: false });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^traffic: canaryWeight: /);
    // Dropping the canary: prod alone.
    const alone = await f.put(`${ROLLOUT}/traffic`, { prod: v.prod, canary: null, canaryWeight: 0, shadow: false });
    assert.equal(alone.body.canary, null);
    assert.equal((await f.post(INFER, inferBody([[40, 205]]))).body.model_version, v.prod);
  } finally {
    await f.close();
  }
});

test('/metrics speaks the Prometheus text format: requests, errors and latency per version', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { canaryWeight: 0 });
  try {
    const v = await versions(f);
    for (let i = 0; i < 3; i++) await f.post(INFER, inferBody([[40, 205]]));
    await f.post(INFER, '{');
    const r = await f.get('/metrics');
    assert.equal(r.status, 200);
    const lines = r.text.split('\n');
    assert.ok(lines.includes('# TYPE mlship_inference_requests_total counter'));
    assert.ok(lines.includes(`mlship_inference_requests_total{model="penguins",version="${v.prod}",arm="prod"} 3`));
    assert.ok(lines.includes(`mlship_inference_requests_total{model="penguins",version="${v.canary}",arm="shadow"} 3`));
    assert.ok(
      lines.includes(`mlship_inference_duration_seconds_count{model="penguins",version="${v.prod}",arm="prod"} 3`),
    );
    assert.ok(lines.some((l) => l.startsWith('mlship_inference_duration_seconds_bucket{le="0.0001",')));
    assert.ok(lines.includes('mlship_requests_refused_total{status="400"} 1'));
  } finally {
    await f.close();
  }
});

test('every prediction and label is a line of the JSON Lines log, with the version that answered', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { canaryWeight: 0 });
  try {
    const v = await versions(f);
    await f.post(INFER, inferBody([[40, 205]], { id: 'logged' }));
    await f.post(`${ROLLOUT}/feedback`, { id: 'logged', label: 'small' });
  } finally {
    await f.server.close();
  }
  const lines = (await readFile(join(f.dir, 'data', 'predictions', 'predictions.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const served = lines.find((l) => l.kind === 'prediction' && l.served);
  assert.equal(served.id, 'logged');
  assert.deepEqual(served.inputs, [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [40, 205] }]);
  assert.equal(served.outputs[0].label, 'small');
  assert.equal(typeof served.latencyMs, 'number');
  const shadow = lines.find((l) => l.kind === 'prediction' && !l.served);
  assert.equal(shadow.arm, 'canary');
  assert.match(shadow.inputsSha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(
    lines.find((l) => l.kind === 'label'),
    { kind: 'label', ts: lines.find((l) => l.kind === 'label').ts, id: 'logged', label: 'small' },
  );
  await f.close();
});

test('a canary whose inputs differ from prod is refused before the server listens', async () => {
  const threeFeatures = buildLinearClassifierOnnx({
    featureNames: ['bill_length_mm', 'flipper_length_mm', 'body_mass_g'],
    weights: [[1, 1, 0]],
    bias: [-250],
    classes: ['small', 'big'],
  });
  await assert.rejects(serveFixture({ prod: PROD_MODEL(), canary: threeFeatures }), {
    name: 'InputError',
    message:
      /^refused before any traffic: the canary .*penguins-canary\.onnx takes inputs \(input FP32\[-1, 3\]\) but prod .*penguins\.onnx takes \(input FP32\[-1, 2\]\)/,
  });
});

test('a port in use is one line naming the port and --port', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(serveFixture({ prod: PROD_MODEL() }, { port }), {
      name: 'InputError',
      message: `port ${port} on 127.0.0.1 is in use; pick another with --port (0 picks a free one)`,
    });
  } finally {
    blocker.close();
  }
});

test('a canary file that is not a model, or a missing file, fails naming it', async () => {
  const f = await serveFixture({ prod: PROD_MODEL() });
  try {
    const junk = await f.file('junk.onnx', new TextEncoder().encode('not a model'));
    await assert.rejects(
      startServe({
        model: join(f.dir, 'penguins.onnx'),
        canary: junk,
        cwd: f.dir,
        port: 0,
        dataDir: join(f.dir, 'd2'),
      }),
      /junk\.onnx: not a valid ONNX model/,
    );
    await assert.rejects(
      startServe({ model: 'missing.onnx', cwd: f.dir, port: 0, dataDir: join(f.dir, 'd3') }),
      /--model .*missing\.onnx: cannot read the model file \(ENOENT\)/,
    );
  } finally {
    await f.close();
  }
});

test('with an admin token the rollout routes need it; inference stays open', async () => {
  const f = await serveFixture({ prod: PROD_MODEL() }, { adminToken: 's3cret' });
  try {
    const denied = await f.get(`${ROLLOUT}/traffic`);
    assert.equal(denied.status, 401);
    assert.match(denied.body.error, /need Authorization: Bearer/);
    const wrong = await fetch(`${f.server.url}${ROLLOUT}/traffic`, { headers: { authorization: 'Bearer guess' } });
    assert.equal(wrong.status, 401);
    const allowed = await fetch(`${f.server.url}${ROLLOUT}/traffic`, { headers: { authorization: 'Bearer s3cret' } });
    assert.equal(allowed.status, 200);
    assert.equal((await f.post(INFER, inferBody([[40, 205]]))).status, 200);
  } finally {
    await f.close();
  }
});
