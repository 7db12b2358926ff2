// Serving registry versions: NAME@prod and NAME@canary load checksum-verified,
// a stage change swaps versions while requests keep flowing, and versions the
// controller names are loaded on demand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { LocalStore, RegistryService } from '@mlship/registry';
import { CANARY_MODEL, PROD_MODEL, classifier, inferBody } from '../test-kit/serve-fixture.ts';
import { startServe } from './start-serve.ts';

async function registryFixture() {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-serve-registry-'));
  const root = join(dir, 'registry');
  const registry = new RegistryService(new LocalStore(root, { defaultCommit: async () => 'a'.repeat(40) }), {
    actor: 'test',
    sleep: async () => undefined,
  });
  const publish = async (version: string, bytes: Uint8Array) => {
    const path = join(dir, `model-${version}.onnx`);
    await writeFile(path, bytes);
    await registry.publish({ name: 'penguins', version, files: [{ path, role: 'model' }] });
  };
  await publish('v1.0.0', PROD_MODEL());
  await publish('v1.1.0', CANARY_MODEL());
  await publish('v1.2.0', classifier([1, 0], -45));
  await publish(
    'v2.0.0',
    buildLinearClassifierOnnx({ featureCount: 3, weights: [[1, 1, 1]], bias: [0], classes: ['small', 'big'] }),
  );
  await registry.promote({ name: 'penguins', version: 'v1.0.0', stage: 'prod' });
  await registry.promote({ name: 'penguins', version: 'v1.1.0', stage: 'canary' });
  return { dir, registry, root };
}

async function post(url: string, body: unknown) {
  const res = await fetch(`${url}/v2/models/penguins/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test('NAME@prod and NAME@canary serve the registry versions; a promotion swaps prod without failing a request', async () => {
  const { dir, registry } = await registryFixture();
  const events: string[] = [];
  const server = await startServe({
    model: 'penguins@prod',
    canary: 'penguins@canary',
    registry,
    cwd: dir,
    port: 0,
    dataDir: join(dir, 'data'),
    watchIntervalMs: 0,
    onEvent: (line) => events.push(line),
  });
  try {
    assert.deepEqual(
      { prod: server.traffic.state().prod, canary: server.traffic.state().canary },
      { prod: 'v1.0.0', canary: 'v1.1.0' },
    );
    assert.equal((await post(server.url, inferBody([[40, 190]]))).body.model_version, 'v1.0.0');

    await registry.promote({ name: 'penguins', version: 'v1.1.0', stage: 'prod' });
    // Requests in flight while the swap happens: every one is answered, by one version or the other.
    const burst = Array.from({ length: 40 }, (_, i) => post(server.url, inferBody([[40, 180 + i]])));
    await server.reload();
    const answers = await Promise.all(burst);
    assert.ok(answers.every((a) => a.status === 200));
    assert.ok(answers.every((a) => a.body.model_version === 'v1.0.0' || a.body.model_version === 'v1.1.0'));
    // v1.1.0 left the canary stage when it took prod, so it serves alone.
    assert.deepEqual(
      { prod: server.traffic.state().prod, canary: server.traffic.state().canary },
      { prod: 'v1.1.0', canary: null },
    );
    assert.equal((await post(server.url, inferBody([[40, 190]]))).body.model_version, 'v1.1.0');
    assert.deepEqual(events, ['penguins: prod v1.1.0, no canary (registry stages moved)']);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the controller may name a registry version the server does not hold yet; a canary with other inputs is refused', async () => {
  const { dir, registry } = await registryFixture();
  const server = await startServe({ model: 'penguins@prod', registry, cwd: dir, port: 0, dataDir: join(dir, 'data') });
  try {
    const url = `${server.url}/v2/mlship/models/penguins/traffic`;
    const put = async (body: unknown) => {
      const res = await fetch(url, { method: 'PUT', body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const loaded = await put({ prod: 'v1.0.0', canary: 'v1.2.0', canaryWeight: 100, shadow: true });
    assert.equal(loaded.status, 200);
    assert.equal((await post(server.url, inferBody([[50, 100]]))).body.model_version, 'v1.2.0');
    const wider = await put({ prod: 'v1.0.0', canary: 'v2.0.0', canaryWeight: 5, shadow: true });
    assert.equal(wider.status, 409);
    assert.match(wider.body.error, /takes inputs \(input FP32\[-1, 3\]\) but prod .* takes \(input FP32\[-1, 2\]\)/);
    const missing = await put({ prod: 'v1.0.0', canary: 'v7.0.0', canaryWeight: 5, shadow: true });
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /v7\.0\.0 is not a registered version/);
    // The refused changes left the routing as it was.
    assert.equal(server.traffic.state().canary, 'v1.2.0');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a reference that does not resolve fails in one line before the server listens', async () => {
  const { dir, registry } = await registryFixture();
  try {
    await assert.rejects(
      startServe({ model: 'penguins@staging', registry, cwd: dir, port: 0, dataDir: join(dir, 'data') }),
      { name: 'NoVersionYetError', message: /^penguins has no version in stage 'staging'/ },
    );
    await assert.rejects(startServe({ model: 'churn@prod', registry, cwd: dir, port: 0, dataDir: join(dir, 'data') }), {
      name: 'NoVersionYetError',
      message: /^no model 'churn' in the registry/,
    });
    await assert.rejects(
      startServe({
        model: 'penguins@prod',
        canary: 'penguins@v2.0.0',
        registry,
        cwd: dir,
        port: 0,
        dataDir: join(dir, 'data'),
      }),
      { name: 'InputError', message: /^refused before any traffic: / },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
