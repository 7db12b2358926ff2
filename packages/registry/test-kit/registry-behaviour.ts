// One behaviour suite for every store: the local directory and GitHub (via the
// emulator) must answer the same operations the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { readOnnxSignature } from '@mlship/onnx';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { RegistryService, type RegistryContext } from '../src/registry-service.ts';
import type { RegistryStore } from '../src/registry-store.ts';
import { IntegrityError, NotFoundError, RegistryRuleError } from '../src/registry-errors.ts';
import { parseStagePolicy, type StagePolicy } from '../src/stage-policy.ts';
import type { PublishFile } from '../src/registry-service.ts';

export interface RegistryHarness {
  /** A fresh store (a separate client or handle each call, like separate jobs). */
  store(): RegistryStore;
  /** A commit the store accepts for publishes. */
  commit: string;
  /** Replaces a published asset's bytes behind the registry's back. */
  tamper(name: string, version: string, asset: string, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

const noSleep = async () => {};

export function makeRegistry(h: RegistryHarness, ctx: Partial<RegistryContext> = {}): RegistryService {
  return new RegistryService(h.store(), { actor: 'alice', readSignature: readOnnxSignature, sleep: noSleep, ...ctx });
}

/** A small real ONNX model plus a card and metrics, different per seed. */
export async function modelFiles(seed: number): Promise<PublishFile[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-registry-files-'));
  const model = buildLinearClassifierOnnx({
    weights: [[seed, 1, -1]],
    bias: [0.5],
    classes: ['stay', 'churn'],
    featureNames: ['tenure', 'spend', 'calls'],
  });
  await writeFile(join(dir, 'model.onnx'), model);
  await writeFile(join(dir, 'card.md'), `# churn model ${seed}\n`);
  await writeFile(join(dir, 'metrics.json'), JSON.stringify({ accuracy: 0.9 }));
  return [
    { path: join(dir, 'card.md'), role: 'card' },
    { path: join(dir, 'model.onnx'), role: 'model' },
    { path: join(dir, 'metrics.json'), role: 'metrics' },
  ];
}

const ordered: StagePolicy = parseStagePolicy(
  'enforceOrder: true\nstages:\n  - name: staging\n  - name: prod\n    actors: [alice]\n',
  'policy.yml',
);

export function registryBehaviour(label: string, open: () => Promise<RegistryHarness>): void {
  const withHarness = (title: string, body: (h: RegistryHarness) => Promise<void>) =>
    test(`${label}: ${title}`, async () => {
      const h = await open();
      try {
        await body(h);
      } finally {
        await h.close();
      }
    });

  withHarness('publishes a version with a manifest and resolves it by version and latest', async (h) => {
    const reg = makeRegistry(h);
    const published = await reg.publish({
      name: 'churn',
      version: '1.0.0',
      files: await modelFiles(1),
      commit: h.commit,
      metrics: { accuracy: 0.9 },
    });
    assert.equal(published.version, 'v1.0.0');
    assert.equal(published.tag, 'churn@v1.0.0');
    assert.equal(published.created, true);
    const m = published.manifest;
    assert.deepEqual(
      m.assets.map((a) => [a.name, a.role]),
      [
        ['model.onnx', 'model'],
        ['card.md', 'card'],
        ['metrics.json', 'metrics'],
      ],
    );
    assert.equal(m.source.commit, h.commit);
    assert.equal(m.actor, 'alice');
    assert.deepEqual(
      m.signature?.inputs.map((i) => i.name),
      ['input'],
    );
    assert.deepEqual(
      m.signature?.outputs.map((o) => o.name),
      ['label', 'probabilities'],
    );
    for (const ref of ['churn@v1.0.0', 'churn@latest']) {
      const resolved = await reg.resolve(ref);
      assert.equal(resolved.version, 'v1.0.0');
      assert.deepEqual(resolved.manifest, m);
    }
  });

  withHarness('a model and a model named under it (churn, churn/eu, churn/1) live side by side', async (h) => {
    const reg = makeRegistry(h);
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: h.commit });
    await reg.publish({ name: 'churn/eu', version: 'v2.0.0', files: await modelFiles(2), commit: h.commit });
    await reg.publish({ name: 'churn/1', version: 'v3.0.0', files: await modelFiles(3), commit: h.commit });
    await reg.promote({ name: 'churn/eu', version: 'v2.0.0', stage: 'prod' });
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    assert.equal((await reg.resolve('churn@prod')).version, 'v1.0.0');
    assert.equal((await reg.resolve('churn/eu@prod')).version, 'v2.0.0');
    assert.equal((await reg.resolve('churn/1@latest')).version, 'v3.0.0');
    assert.deepEqual(
      (await reg.list()).map((m) => [m.name, m.versions]),
      [
        ['churn', ['v1.0.0']],
        ['churn/1', ['v3.0.0']],
        ['churn/eu', ['v2.0.0']],
      ],
    );
    assert.deepEqual(
      (await reg.history('churn')).map((e) => e.tag),
      ['churn@v1.0.0', 'churn#prod#2'],
    );
  });

  withHarness(
    'names GTO accepts work end to end; one git cannot store is refused before anything is written',
    async (h) => {
      const reg = makeRegistry(h);
      const name = 'Models/NLP:Churn_v2';
      const published = await reg.publish({ name, version: 'v1.0.0', files: await modelFiles(1), commit: h.commit });
      assert.equal(published.tag, 'Models/NLP=Churn_v2@v1.0.0', "GTO writes a folder's ':' as '='");
      await reg.promote({ name, version: 'v1.0.0', stage: 'prod' });
      assert.equal((await reg.resolve(`${name}@prod`)).version, 'v1.0.0');
      assert.equal((await reg.resolve(`${name}#prod`)).version, 'v1.0.0');
      assert.deepEqual(
        (await reg.history(name)).map((e) => e.tag),
        ['Models/NLP=Churn_v2@v1.0.0', 'Models/NLP=Churn_v2#prod#2'],
      );
      for (const bad of ['a//b', 'models/x.lock/y:churn', `c${'h'.repeat(200)}`]) {
        await assert.rejects(
          reg.publish({ name: bad, version: 'v1.0.0', files: await modelFiles(1), commit: h.commit }),
          (e: unknown) => e instanceof InputError && /is not a valid model name/.test(e.message),
        );
      }
      assert.deepEqual(
        (await reg.list()).map((m) => m.name),
        [name],
      );
    },
  );

  withHarness('bump takes the next version; re-running the same publish changes nothing', async (h) => {
    const reg = makeRegistry(h);
    await reg.publish({ name: 'churn', version: 'v1.4.0', files: await modelFiles(1), commit: h.commit });
    const files = await modelFiles(2);
    const first = await reg.publish({ name: 'churn', bump: 'minor', files, commit: h.commit });
    assert.equal(first.version, 'v1.5.0');
    const again = await makeRegistry(h).publish({ name: 'churn', bump: 'minor', files, commit: h.commit });
    assert.equal(again.version, 'v1.5.0');
    assert.equal(again.created, false);
    assert.deepEqual(again.manifest, first.manifest);
    const history = await reg.history('churn');
    assert.deepEqual(
      history.map((e) => [e.action, e.version]),
      [
        ['register', 'v1.4.0'],
        ['register', 'v1.5.0'],
      ],
    );
  });

  withHarness('refuses an existing version with different content, and bad names and versions', async (h) => {
    const reg = makeRegistry(h);
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: h.commit });
    await assert.rejects(
      reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(2), commit: h.commit }),
      (e: unknown) =>
        e instanceof RegistryRuleError &&
        /churn@v1\.0\.0 already exists with different content/.test(e.message) &&
        !e.message.includes('\n'),
    );
    await assert.rejects(
      reg.publish({ name: 'bad name', version: 'v1.0.0', files: await modelFiles(1), commit: h.commit }),
      InputError,
    );
    await assert.rejects(
      reg.publish({ name: 'churn', version: '1.0', files: await modelFiles(1), commit: h.commit }),
      /strict SemVer/,
    );
    await assert.rejects(
      reg.publish({ name: 'churn', files: await modelFiles(1), commit: h.commit }),
      /exactly one of version/,
    );
    assert.deepEqual((await reg.list('churn'))[0]!.versions, ['v1.0.0']);
  });

  withHarness('promotes, resolves stages, rolls back to the previous version, and keeps the audit trail', async (h) => {
    const reg = makeRegistry(h);
    const commitOf = new Map<string, string>();
    for (const [i, v] of ['v1.0.0', 'v1.1.0', 'v1.2.0'].entries()) {
      const published = await reg.publish({
        name: 'churn',
        version: v,
        files: await modelFiles(i + 1),
        commit: h.commit,
      });
      assert.equal(published.manifest.source.commit, h.commit);
      commitOf.set(v, published.manifest.registrationCommit!);
    }
    assert.equal(new Set(commitOf.values()).size, 3, 'one commit per version, though all come from one source commit');
    assert.ok(![...commitOf.values()].includes(h.commit));
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    await reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' });
    const promoted = await reg.promote({ name: 'churn', version: 'v1.2.0', stage: 'prod' });
    assert.equal(promoted.tag, 'churn#prod#6');
    assert.equal(promoted.previousVersion, 'v1.1.0');
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'canary' });
    assert.equal((await reg.resolve('churn@prod')).version, 'v1.2.0');
    assert.deepEqual((await reg.resolve('churn@canary')).stages, ['canary']);

    const rolled = await reg.rollback({ name: 'churn', stage: 'prod' });
    assert.equal(rolled.version, 'v1.1.0');
    assert.equal(rolled.previousVersion, 'v1.2.0');
    assert.equal(rolled.tag, 'churn#prod!#8');
    assert.equal((await reg.resolve('churn@prod')).version, 'v1.1.0');

    const history = await reg.history('churn');
    assert.deepEqual(
      history.map((e) => e.tag),
      [
        'churn@v1.0.0',
        'churn@v1.1.0',
        'churn@v1.2.0',
        'churn#prod#4',
        'churn#prod#5',
        'churn#prod#6',
        'churn#canary#7',
        'churn#prod!#8',
      ],
    );
    assert.deepEqual(
      history.map((e) => e.counter),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    for (const e of history) {
      assert.equal(e.actor, 'alice');
      assert.equal(e.commit, commitOf.get(e.version!), `${e.tag} is at its version's commit`);
      assert.match(e.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const times = history.map((e) => Date.parse(e.createdAt));
    assert.ok(
      times.every((t, i) => i === 0 || t >= times[i - 1]! + 1000),
      'each event at least one second after the one before',
    );
    assert.deepEqual((await reg.list('churn'))[0]!.stages, { prod: 'v1.1.0', canary: 'v1.0.0' });
  });

  withHarness('unassigns one version from a stage, leaving it to the one before or to nobody', async (h) => {
    const reg = makeRegistry(h);
    for (const [i, v] of ['v1.0.0', 'v1.1.0'].entries())
      await reg.publish({ name: 'churn', version: v, files: await modelFiles(i + 1), commit: h.commit });
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'canary' });
    await reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'canary' });
    const first = await reg.unassign({ name: 'churn', version: 'v1.1.0', stage: 'canary', message: 'rolled back' });
    assert.equal(first.tag, 'churn#canary!#5');
    assert.equal(first.version, 'v1.0.0');
    assert.equal((await reg.resolve('churn@canary')).version, 'v1.0.0');
    const again = await reg.unassign({ name: 'churn', version: 'v1.1.0', stage: 'canary' });
    assert.equal(again.tag, undefined, 'a version not holding the stage writes nothing');
    const last = await reg.unassign({ name: 'churn', version: 'v1.0.0', stage: 'canary' });
    assert.equal(last.version, undefined);
    await assert.rejects(reg.resolve('churn@canary'), /has no version in stage 'canary'/);
    assert.equal((await reg.history('churn')).at(-1)?.message, undefined);
    assert.equal((await reg.history('churn')).at(-2)?.message, 'rolled back');
  });

  withHarness('promoting the version that already holds the stage writes nothing', async (h) => {
    const reg = makeRegistry(h);
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: h.commit });
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    const again = await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    assert.equal(again.tag, undefined);
    assert.equal((await reg.history('churn')).length, 2);
  });

  withHarness('enforces the stage policy: allowed stages, order and actors', async (h) => {
    const reg = makeRegistry(h, { stagePolicy: ordered });
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: h.commit });
    await assert.rejects(
      reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'qa' }),
      /stage 'qa' is not allowed; use one of: staging, prod/,
    );
    await assert.rejects(
      reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' }),
      /must be in stage 'staging' before 'prod'/,
    );
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'staging' });
    await assert.rejects(
      makeRegistry(h, { stagePolicy: ordered, actor: 'mallory' }).promote({
        name: 'churn',
        version: 'v1.0.0',
        stage: 'prod',
      }),
      /mallory may not change stage 'prod'/,
    );
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    await assert.rejects(
      reg.promote({ name: 'churn', version: 'v9.0.0', stage: 'staging' }),
      /not a published version/,
    );
    await assert.rejects(reg.rollback({ name: 'churn', stage: 'prod' }), /no previous version in stage 'prod'/);
    assert.deepEqual(
      (await reg.history('churn')).map((e) => e.tag),
      ['churn@v1.0.0', 'churn#staging#2', 'churn#prod#3'],
    );
  });

  withHarness('deprecating a version removes it from its stages; deprecating the model stops promotions', async (h) => {
    const reg = makeRegistry(h);
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: h.commit });
    await reg.publish({ name: 'churn', version: 'v1.1.0', files: await modelFiles(2), commit: h.commit });
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    await reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' });
    const dep = await reg.deprecate({ name: 'churn', version: 'v1.1.0' });
    assert.equal(dep.tag, 'churn@v1.1.0!#5');
    assert.deepEqual(dep.stagesLeft, ['prod']);
    assert.equal((await reg.resolve('churn@prod')).version, 'v1.0.0');
    assert.equal((await reg.resolve('churn@latest')).version, 'v1.0.0');
    await assert.rejects(
      reg.resolve('churn@v1.1.0'),
      (e: unknown) => e instanceof NotFoundError && /deprecated/.test(e.message),
    );
    const republished = await reg.publish({
      name: 'churn',
      version: 'v1.1.0',
      files: await modelFiles(2),
      commit: h.commit,
    });
    assert.equal(republished.created, false);
    await assert.rejects(
      reg.resolve('churn@v1.1.0'),
      /deprecated/,
      're-running the publish of a deprecated version does not bring it back',
    );
    await reg.deprecate({ name: 'churn' });
    await assert.rejects(
      reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'canary' }),
      /model churn is deprecated/,
    );
    assert.equal((await reg.list('churn'))[0]!.deprecated, true);
  });

  withHarness('downloads verify sha256; a tampered asset is refused and not left on disk', async (h) => {
    const reg = makeRegistry(h);
    const files = await modelFiles(1);
    await reg.publish({ name: 'churn', version: 'v1.0.0', files, commit: h.commit });
    await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    const dest = await mkdtemp(join(tmpdir(), 'mlship-registry-dl-'));
    const { files: saved } = await reg.download('churn@prod', dest);
    assert.deepEqual(
      saved.map((f) => f.slice(dest.length + 1)),
      ['model.onnx', 'card.md', 'metrics.json'],
    );
    assert.deepEqual(await readFile(join(dest, 'model.onnx')), await readFile(files[1]!.path));

    const dest2 = await mkdtemp(join(tmpdir(), 'mlship-registry-dl-'));
    const original = await readFile(files[1]!.path);
    const tampered = Buffer.from(original);
    const last = tampered.length - 1;
    tampered.writeUInt8(tampered.readUInt8(last) ^ 0xff, last);
    await h.tamper('churn', 'v1.0.0', 'model.onnx', tampered);
    await assert.rejects(
      reg.download('churn@prod', dest2, ['model.onnx']),
      (e: unknown) =>
        e instanceof IntegrityError &&
        /churn@v1\.0\.0\/model\.onnx: sha256 [0-9a-f]{64} .* does not match/.test(e.message),
    );
    assert.deepEqual(await readdir(dest2), []);
    await assert.rejects(
      reg.download('churn@prod', dest2, ['weights.bin']),
      /asset 'weights.bin' is not part of churn@v1.0.0/,
    );
  });

  withHarness('unknown models, stages and versions give one-line errors', async (h) => {
    const reg = makeRegistry(h);
    await assert.rejects(reg.resolve('nothing@prod'), /no model 'nothing' in the registry/);
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: h.commit });
    await assert.rejects(reg.resolve('churn@prod'), /churn has no version in stage 'prod'; promote one/);
    await assert.rejects(reg.resolve('churn@v2.0.0'), /churn@v2\.0\.0 is not a registered version/);
  });

  withHarness('16 parallel promotions of one stage all get through: one counter each, prod = the last', async (h) => {
    const setup = makeRegistry(h);
    const versions = Array.from({ length: 16 }, (_, i) => `v1.${i}.0`);
    const files = await modelFiles(1);
    for (const v of versions) {
      await setup.publish({ name: 'churn', version: v, files, commit: h.commit, params: { v } });
    }
    // Each promotion is its own registry with its own store, like separate CI jobs, with the default
    // retry bounds; the backoff's waits are kept, scaled down twentyfold.
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms / 20));
    const outcomes = await Promise.allSettled(
      versions.map((version) => makeRegistry(h, { sleep }).promote({ name: 'churn', version, stage: 'prod' })),
    );
    const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason));
    assert.deepEqual(failed, [], 'none has to be re-run');
    const counters = outcomes.map((o) => (o as PromiseFulfilledResult<{ counter: number }>).value.counter);
    assert.deepEqual(
      [...counters].sort((a, b) => a - b),
      Array.from({ length: 16 }, (_, i) => 17 + i),
      'each took its own counter, contiguous after the 16 registrations',
    );
    const history = await setup.history('churn');
    assert.equal(history.filter((e) => e.action === 'assign').length, 16);
    assert.equal((await setup.resolve('churn@prod')).version, history.at(-1)!.version);
  });

  withHarness(
    'a re-run of a rollback that failed after its event was written finishes it; it never rolls back twice',
    async (h) => {
      const setup = makeRegistry(h);
      for (const [i, v] of ['v1.0.0', 'v1.1.0', 'v1.2.0'].entries()) {
        await setup.publish({ name: 'churn', version: v, files: await modelFiles(i + 1), commit: h.commit });
        await setup.promote({ name: 'churn', version: v, stage: 'prod' });
      }
      // The job writes the unassignment, then fails before it moves the head.
      const failing = failFirst(h.store(), 'writeHead');
      const run = { operationId: 'run 41 job rollback' };
      await assert.rejects(
        new RegistryService(failing, { actor: 'alice', sleep: noSleep }).rollback({
          name: 'churn',
          stage: 'prod',
          ...run,
        }),
        /head move failed/,
      );
      for (let rerun = 0; rerun < 2; rerun++) {
        const again = await makeRegistry(h).rollback({ name: 'churn', stage: 'prod', ...run });
        assert.deepEqual([again.previousVersion, again.version, again.tag], ['v1.2.0', 'v1.1.0', 'churn#prod!#7']);
      }
      assert.equal((await setup.resolve('churn@prod')).version, 'v1.1.0');
      const history = await setup.history('churn');
      assert.deepEqual(
        history.filter((e) => e.action === 'unassign').map((e) => [e.version, e.operation]),
        [['v1.2.0', 'run 41 job rollback']],
      );
      // Another run rolls back again, as it asks.
      const next = await makeRegistry(h).rollback({
        name: 'churn',
        stage: 'prod',
        operationId: 'run 42 job rollback',
      });
      assert.equal(next.version, 'v1.0.0');
    },
  );

  withHarness('a re-run of a promotion that got through does not undo a later promotion', async (h) => {
    const setup = makeRegistry(h);
    for (const [i, v] of ['v1.0.0', 'v1.1.0', 'v1.2.0'].entries()) {
      await setup.publish({ name: 'churn', version: v, files: await modelFiles(i + 1), commit: h.commit });
    }
    await setup.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    const run = { operationId: 'run 7 job deploy' };
    await assert.rejects(
      new RegistryService(failFirst(h.store(), 'writeHead'), { actor: 'alice', sleep: noSleep }).promote({
        name: 'churn',
        version: 'v1.1.0',
        stage: 'prod',
        ...run,
      }),
      /head move failed/,
    );
    await setup.promote({ name: 'churn', version: 'v1.2.0', stage: 'prod' });
    const rerun = await makeRegistry(h).promote({ name: 'churn', version: 'v1.1.0', stage: 'prod', ...run });
    assert.deepEqual([rerun.previousVersion, rerun.version, rerun.tag], ['v1.0.0', 'v1.1.0', 'churn#prod#5']);
    assert.equal((await setup.resolve('churn@prod')).version, 'v1.2.0');
    assert.equal((await setup.history('churn')).length, 6);
  });

  withHarness('a download refused half-way leaves nothing of the version behind', async (h) => {
    const reg = makeRegistry(h);
    const files = await modelFiles(1);
    await reg.publish({ name: 'churn', version: 'v1.0.0', files, commit: h.commit });
    // The last asset downloaded (manifest order: model, card, metrics) does not match.
    await h.tamper('churn', 'v1.0.0', 'metrics.json', Buffer.from('{"accuracy": 1.0}'));
    const parent = await mkdtemp(join(tmpdir(), 'mlship-registry-dl-'));
    await assert.rejects(reg.download('churn@v1.0.0', join(parent, 'models', 'churn')), IntegrityError);
    assert.deepEqual(await readdir(parent), [], 'no directory, no partial files');
    const existing = join(parent, 'existing');
    await mkdir(existing);
    await writeFile(join(existing, 'notes.txt'), 'mine');
    await assert.rejects(reg.download('churn@v1.0.0', existing), IntegrityError);
    assert.deepEqual(await readdir(existing), ['notes.txt']);
    assert.deepEqual(await readdir(parent), ['existing']);
    const { files: saved } = await reg.download('churn@v1.0.0', existing, ['model.onnx', 'card.md', 'model.onnx']);
    assert.deepEqual(saved, [join(existing, 'model.onnx'), join(existing, 'card.md')]);
    assert.deepEqual((await readdir(existing)).sort(), ['card.md', 'model.onnx', 'notes.txt']);
    assert.deepEqual(await readdir(parent), ['existing']);
  });
}

/** A store whose first call of `method` fails, as a job that dies at that step. */
function failFirst(store: RegistryStore, method: 'writeHead'): RegistryStore {
  let failed = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== method) return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (!failed) {
          failed = true;
          throw new Error('head move failed');
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
