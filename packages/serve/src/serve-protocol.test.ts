// The server speaks the Open Inference Protocol as KServe publishes it: the
// requests a KServe or Triton client sends are accepted, and every answer
// (and every error body) validates against the protocol's own schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { CANARY_MODEL, PROD_MODEL, REGRESSOR, inferBody, serveFixture } from '../test-kit/serve-fixture.ts';

const schemas = parse(
  readFileSync(join(import.meta.dirname, '..', 'test-data', 'open-inference-rest.schemas.yaml'), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv({ strict: false });
ajv.addSchema(schemas, 'oip');
function assertValid(schema: string, body: unknown): void {
  const validate = ajv.getSchema(`oip#/${schema}`)!;
  assert.ok(validate(body), `${schema}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body)}`);
}

test("a KServe client's request (the protocol's own example shape) is answered in the protocol's response schema", async () => {
  const f = await serveFixture({ prod: PROD_MODEL() });
  try {
    const request = {
      id: '42',
      inputs: [{ name: 'input', shape: [2, 2], datatype: 'FP32', data: [40, 190, 50, 220] }],
      outputs: [{ name: 'label' }],
    };
    assertValid('inference_request', request);
    const r = await f.post('/v2/models/penguins/infer', request);
    assert.equal(r.status, 200);
    assertValid('inference_response', r.body);
    assert.equal(r.body.id, '42');
    assert.equal(r.body.model_name, 'penguins');
    // Only the requested output, with its shape and the protocol's datatype.
    assert.deepEqual(r.body.outputs, [{ name: 'label', shape: [2], datatype: 'BYTES', data: ['small', 'big'] }]);
  } finally {
    await f.close();
  }
});

test('nested row-major data (as tritonclient and kserve send numpy arrays) is read as the flat tensor', async () => {
  const f = await serveFixture({ prod: PROD_MODEL() });
  try {
    const flat = await f.post(
      '/v2/models/penguins/infer',
      inferBody([
        [40, 190],
        [50, 220],
      ]),
    );
    const nested = await f.post('/v2/models/penguins/infer', {
      inputs: [
        {
          name: 'input',
          shape: [2, 2],
          datatype: 'FP32',
          data: [
            [40, 190],
            [50, 220],
          ],
        },
      ],
    });
    assert.equal(nested.status, 200);
    assert.deepEqual(nested.body.outputs, flat.body.outputs);
    const probabilities = nested.body.outputs.find((o: { name: string }) => o.name === 'probabilities');
    assert.deepEqual(probabilities.shape, [2, 2]);
    // softmax([0, 40 + 190 - 250]) for the first row: 'small' with probability 1 - sigmoid(-20).
    assert.ok(Math.abs(probabilities.data[0] - 1 / (1 + Math.exp(-20))) < 1e-6);
  } finally {
    await f.close();
  }
});

test('server and model metadata, readiness and liveness answer in the protocol shapes', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() });
  try {
    const server = await f.get('/v2');
    assertValid('metadata_server_response', server.body);
    const model = await f.get('/v2/models/penguins');
    assertValid('metadata_model_response', model.body);
    assert.deepEqual(model.body.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 2] }]);
    assert.equal(model.body.versions.length, 2);
    const [prod, canary] = model.body.versions as string[];
    const versioned = await f.get(`/v2/models/penguins/versions/${canary}`);
    assert.equal(versioned.status, 200);
    assert.deepEqual((await f.get('/v2/health/live')).body, { live: true });
    assert.deepEqual((await f.get('/v2/health/ready')).body, { ready: true });
    assert.deepEqual((await f.get('/v2/models/penguins/ready')).body, { name: 'penguins', ready: true });
    assert.deepEqual((await f.get(`/v2/models/penguins/versions/${prod}/ready`)).body, {
      name: 'penguins',
      ready: true,
    });
    const missing = await f.get('/v2/models/penguins/versions/v9.9.9/ready');
    assert.equal(missing.status, 404);
    assertValid('metadata_model_error_response', missing.body);
  } finally {
    await f.close();
  }
});

test('a request to /versions/{v}/infer is answered by that version', async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() });
  try {
    const [, canary] = (await f.get('/v2/models/penguins')).body.versions as string[];
    // bill 40 + flipper 205 = 245: prod says small (< 250), the canary big (flipper > 200).
    const r = await f.post(`/v2/models/penguins/versions/${canary}/infer`, inferBody([[40, 205]]));
    assert.equal(r.body.model_version, canary);
    assert.deepEqual(r.body.outputs[0].data, ['big']);
  } finally {
    await f.close();
  }
});

test('a regressor answers its float output', async () => {
  const f = await serveFixture({ prod: REGRESSOR(), name: 'mass' });
  try {
    const r = await f.post('/v2/models/mass/infer', inferBody([[10, 100]]));
    assertValid('inference_response', r.body);
    assert.deepEqual(r.body.outputs, [{ name: 'variable', shape: [1, 1], datatype: 'FP32', data: [71] }]);
  } finally {
    await f.close();
  }
});

const malformed: [string, unknown, RegExp][] = [
  ['not JSON', '{"inputs": [', /^the body is not valid JSON/],
  ['an empty body', '', /^the body is empty/],
  ['no inputs', { id: 'x' }, /^inference request: inputs: /],
  ['inputs not an array', { inputs: {} }, /^inference request: inputs: /],
  [
    'an unknown datatype',
    { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FLOAT', data: [1, 2] }] },
    /inputs\[0\]\.datatype: must be one of BOOL/,
  ],
  [
    'a negative dimension',
    { inputs: [{ name: 'input', shape: [-1, 2], datatype: 'FP32', data: [1, 2] }] },
    /inputs\[0\]\.shape\[0\]/,
  ],
  [
    'a wrong datatype',
    { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] },
    /^input 'input': datatype FP64, but penguins takes FP32$/,
  ],
  [
    'a wrong width',
    { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] },
    /^input 'input': dimension 1 is 3, but the model takes \[-1, 2\]/,
  ],
  [
    'a wrong rank',
    { inputs: [{ name: 'input', shape: [2], datatype: 'FP32', data: [1, 2] }] },
    /^input 'input': shape \[2\], but the model takes \[-1, 2\]/,
  ],
  [
    'data shorter than the shape',
    { inputs: [{ name: 'input', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3] }] },
    /holds 4 elements but data has 3$/,
  ],
  [
    'a string in FP32 data',
    { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [1, 'two'] }] },
    /^input 'input': data\[1\] is "two", not a number \(FP32\)$/,
  ],
  [
    'an unknown input name',
    { inputs: [{ name: 'features', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] },
    /^input 'features' is not an input of penguins \(its inputs: input\)$/,
  ],
  [
    'an unknown output name',
    { ...inferBody([[1, 2]]), outputs: [{ name: 'scores' }] },
    /^output 'scores' is not an output of penguins/,
  ],
];

test('malformed inference requests get 400 and one line in the protocol error body', async () => {
  const f = await serveFixture({ prod: PROD_MODEL() });
  try {
    for (const [what, body, message] of malformed) {
      const r = await f.post('/v2/models/penguins/infer', body);
      assert.equal(r.status, 400, what);
      assertValid('inference_error_response', r.body);
      assert.deepEqual(Object.keys(r.body), ['error'], what);
      assert.match(r.body.error, message, what);
      assert.ok(!r.body.error.includes('\n'), what);
    }
  } finally {
    await f.close();
  }
});

test('an unknown model, route or method is refused with the error body', async () => {
  const f = await serveFixture({ prod: PROD_MODEL() });
  try {
    const unknown = await f.post('/v2/models/churn/infer', inferBody([[1, 2]]));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, "model 'churn' is not served here; this server serves 'penguins'");
    assert.equal((await f.get('/v1/models/penguins')).status, 404);
    const method = await f.get('/v2/models/penguins/infer');
    assert.equal(method.status, 405);
    assert.match(method.body.error, /use POST/);
    const text = await fetch(`${f.server.url}/v2/models/penguins/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    assert.equal(text.status, 400);
    assert.match(((await text.json()) as { error: string }).error, /is not JSON; send application\/json/);
  } finally {
    await f.close();
  }
});
