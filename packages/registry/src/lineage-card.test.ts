import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, FileFormatError } from '@mlship/errors';
import { LocalStore } from './local-store.ts';
import { runRegistryCommand } from './registry-command.ts';
import { RegistryService } from './registry-service.ts';
import { cardWithLineage, LINEAGE_CARD_HEADING, lineageCardSection } from './lineage-card.ts';
import type { Lineage } from './lineage.ts';

const COMMIT = 'a'.repeat(40);

function lineage(overrides: Partial<Lineage> = {}): Lineage {
  return {
    schemaVersion: 1,
    model: 'churn',
    createdAt: '2026-11-30T03:00:00.000Z',
    source: { repository: 'octo-org/churn', commit: 'f'.repeat(40), runAttempt: 1 },
    command: 'python train.py --epochs 3',
    configDigest: 'c'.repeat(64),
    seed: 42,
    deterministic: true,
    data: [
      { path: 'data/train.parquet', kind: 'file', sha256: 'd'.repeat(64), sizeBytes: 1024 },
      { path: 'data/images.dvc', kind: 'dvc', md5: '0123456789abcdef0123456789abcdef.dir', files: 12 },
    ],
    environment: {
      runner: { name: 'gpu-1', os: 'Linux', arch: 'x64', cpu: 'AMD EPYC 7742', cpuCount: 64, memoryBytes: 2 ** 39 },
      gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-1', memoryTotalMiB: 81559 }],
      gpuDriver: '580.126.09',
      cudaVersion: '13.0',
      lockfiles: [{ path: 'uv.lock', sha256: 'e'.repeat(64) }],
      containerImage: 'ghcr.io/octo-org/train@sha256:' + '9'.repeat(64),
    },
    outputs: [],
    metrics: { loss: 0.21 },
    params: { epochs: 3 },
    ...overrides,
  };
}

test('the card section names the commit, data digests, command, environment and seed', () => {
  const section = lineageCardSection(lineage());
  assert.ok(section.startsWith(`${LINEAGE_CARD_HEADING}\n`));
  for (const fact of [
    '| command | `python train.py --epochs 3` |',
    `| commit | \`${'f'.repeat(40)}\` |`,
    '| seed | 42 |',
    '| GPUs | 1 × NVIDIA H100 80GB HBM3 (81559 MiB) |',
    '| GPU driver | 580.126.09 |',
    '| CUDA | 13.0 |',
    `| container image | \`ghcr.io/octo-org/train@sha256:${'9'.repeat(64)}\` |`,
    `| data/train.parquet | file | \`sha256:${'d'.repeat(64)}\` | |`,
    '| data/images.dvc | dvc | `md5:0123456789abcdef0123456789abcdef.dir` | 12 |',
    `| uv.lock | \`${'e'.repeat(64)}\` |`,
  ])
    assert.ok(section.includes(fact), `${fact}\n---\n${section}`);
});

test('a card given a lineage twice holds one section, the newest', () => {
  const once = cardWithLineage('# churn\n\nIntended use: scoring.\n', lineage({ seed: 1 }));
  const twice = cardWithLineage(once, lineage({ seed: 2 }));
  assert.equal(twice.split(LINEAGE_CARD_HEADING).length, 2);
  assert.ok(twice.startsWith('# churn\n\nIntended use: scoring.\n\n## Training lineage'));
  assert.match(twice, /\| seed \| 2 \|/);
});

async function registry(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(join(tmpdir(), 'mlship-lineage-publish-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const service = new RegistryService(new LocalStore(join(root, 'registry'), { defaultCommit: async () => COMMIT }), {
    actor: 'alice',
  });
  await writeFile(join(root, 'model.bin'), 'weights');
  await writeFile(join(root, 'lineage.json'), JSON.stringify(lineage()));
  await writeFile(join(root, 'card.md'), '# churn\n\nA churn model.\n');
  return { root, service };
}

test('publish with a lineage: recorded whole in the manifest, added to the card; data, params and metrics from it', async (t) => {
  const { root, service } = await registry(t);
  const result = await runRegistryCommand(
    {
      command: 'publish',
      name: 'churn',
      version: 'v1.0.0',
      files: 'model.bin',
      card: 'card.md',
      lineage: 'lineage.json',
    },
    service,
    { cwd: root },
  );
  const manifest = JSON.parse(result.outputs['manifest']!);
  assert.deepEqual(manifest.lineage, lineage());
  assert.deepEqual(manifest.datasets, [
    { id: 'data/train.parquet', uri: 'data/train.parquet', sha256: 'd'.repeat(64) },
    { id: 'data/images.dvc', uri: 'data/images.dvc' },
  ]);
  assert.deepEqual(manifest.params, { epochs: 3 });
  assert.deepEqual(manifest.metrics, { loss: 0.21 });
  const out = join(root, 'out');
  await runRegistryCommand({ command: 'download', name: 'churn', version: 'v1.0.0', path: out }, service, {
    cwd: root,
  });
  const card = await readFile(join(out, 'card.md'), 'utf8');
  assert.ok(card.startsWith('# churn\n\nA churn model.\n\n## Training lineage\n'), card);
  assert.equal(
    await readFile(join(root, 'card.md'), 'utf8'),
    '# churn\n\nA churn model.\n',
    'the given card is left as it was',
  );
});

test('publish with a lineage that is not one, or a card that is missing, names the file', async (t) => {
  const { root, service } = await registry(t);
  await writeFile(join(root, 'lineage.json'), JSON.stringify({ ...lineage(), seed: 'forty-two' }));
  await assert.rejects(
    runRegistryCommand(
      { command: 'publish', name: 'churn', version: 'v1.0.0', files: 'model.bin', lineage: 'lineage.json' },
      service,
      {
        cwd: root,
      },
    ),
    (error: Error) =>
      error instanceof FileFormatError && /lineage\.json/.test(error.message) && /seed/.test(error.message),
  );
  await writeFile(join(root, 'lineage.json'), JSON.stringify(lineage()));
  await assert.rejects(
    runRegistryCommand(
      {
        command: 'publish',
        name: 'churn',
        version: 'v1.0.0',
        files: 'model.bin',
        card: 'missing.md',
        lineage: 'lineage.json',
      },
      service,
      { cwd: root },
    ),
    (error: Error) => error instanceof InputError && /input 'card': missing\.md cannot be read/.test(error.message),
  );
});
