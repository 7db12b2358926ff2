// mlship serve's prediction log as a window: lines as the server writes them
// (packages/serve's record of a prediction, and of a label by request id).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMonitorPolicy } from './monitor-policy.ts';
import { servedLogDir, writeServedWindow } from './served-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlship-served-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const policy = parseMonitorPolicy('classes: [Adelie, Gentoo]\nprediction: prediction\nlabel: species\n', 'monitor.yml');

function prediction(id: string, ts: string, rows: number[][], extra: Record<string, unknown> = {}) {
  return {
    kind: 'prediction',
    ts,
    id,
    model: 'penguins',
    version: 'v1.1.0',
    arm: 'prod',
    served: true,
    rows: rows.length,
    inputs: [{ name: 'input', shape: [rows.length, 2], datatype: 'FP32', data: rows.flat() }],
    outputs: rows.map((r) => ({
      kind: 'class',
      label: r[0]! > 40 ? 'Gentoo' : 'Adelie',
      probabilities: { Adelie: r[0]! > 40 ? 0.2 : 0.9, Gentoo: r[0]! > 40 ? 0.8 : 0.1 },
    })),
    latencyMs: 0.4,
    ...extra,
  };
}

function serverDir(name: string, files: Record<string, object[] | string>): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'predictions'), { recursive: true });
  for (const [file, lines] of Object.entries(files))
    writeFileSync(
      join(root, 'predictions', file),
      typeof lines === 'string' ? lines : lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
    );
  return root;
}

const window = (root: string, out: string, since = '2026-11-30T00:00:00Z') =>
  writeServedWindow({
    dir: root,
    model: 'penguins',
    version: 'v1.1.0',
    since: new Date(since),
    until: new Date('2026-11-30T06:00:00Z'),
    inputColumns: new Map([['input', ['bill_length_mm', 'bill_depth_mm']]]),
    policy,
    out: join(dir, out),
  });

const rowsOf = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test("a server's data directory is recognised by its live log; any other path is not", async () => {
  const root = serverDir('recognised', { 'predictions.jsonl': [] });
  assert.equal(await servedLogDir(root), join(root, 'predictions'));
  assert.equal(await servedLogDir(join(root, 'predictions')), join(root, 'predictions'));
  assert.equal(await servedLogDir(join(dir, 'nowhere')), null);
  assert.equal(await servedLogDir(join(root, 'predictions', 'predictions.jsonl')), null);
});

test('served answers of the version in the window, one row per request row, labels joined by id', async () => {
  const root = serverDir('window', {
    // Rotated files: .2 is older than .1; the label of r1 arrives in the live file.
    'predictions.2.jsonl': [prediction('r0', '2026-11-29T23:59:59Z', [[39, 18]])],
    'predictions.1.jsonl': [
      prediction('r1', '2026-11-30T01:00:00Z', [
        [39.1, 18.7],
        [46.5, 15.0],
      ]),
      prediction('r2', '2026-11-30T01:00:01Z', [[38, 17]], { version: 'v1.0.0' }),
      prediction('r1', '2026-11-30T01:00:00Z', [[39.1, 18.7]], { served: false, arm: 'canary' }),
    ],
    'predictions.jsonl': [
      prediction('r3', '2026-11-30T02:00:00Z', [[50, 14]]),
      { kind: 'label', ts: '2026-11-30T03:00:00Z', id: 'r1', label: ['Adelie', 'Gentoo'] },
      { kind: 'label', ts: '2026-11-30T03:00:00Z', id: 'r2', label: 'Adelie' },
    ],
  });
  assert.deepEqual(await window(root, 'window.jsonl'), { rows: 3, labelled: 2 });
  assert.deepEqual(rowsOf('window.jsonl'), [
    {
      bill_length_mm: 39.1,
      bill_depth_mm: 18.7,
      probability_Adelie: 0.9,
      probability_Gentoo: 0.1,
      prediction: 'Adelie',
      species: 'Adelie',
    },
    {
      bill_length_mm: 46.5,
      bill_depth_mm: 15,
      probability_Adelie: 0.2,
      probability_Gentoo: 0.8,
      prediction: 'Gentoo',
      species: 'Gentoo',
    },
    {
      bill_length_mm: 50,
      bill_depth_mm: 14,
      probability_Adelie: 0.2,
      probability_Gentoo: 0.8,
      prediction: 'Gentoo',
      species: null,
    },
  ]);
  assert.deepEqual(await window(root, 'later.jsonl', '2026-11-30T01:30:00Z'), { rows: 1, labelled: 0 });
});

test('a log of input digests cannot be monitored, and says how to log the inputs', async () => {
  const logged = prediction('r1', '2026-11-30T01:00:00Z', [[39, 18]]);
  delete (logged as { inputs?: unknown }).inputs;
  const root = serverDir('digest', { 'predictions.jsonl': [{ ...logged, inputsSha256: 'ab'.repeat(32) }] });
  await assert.rejects(window(root, 'digest.jsonl'), /predictions\.jsonl:1: .*--log-inputs full/);
});

test("the live file's last line cut by a write in progress is skipped; a damaged line elsewhere is refused", async () => {
  const line = JSON.stringify(prediction('r1', '2026-11-30T01:00:00Z', [[39, 18]]));
  const cut = serverDir('cut', { 'predictions.jsonl': `${line}\n${line.slice(0, 40)}` });
  assert.deepEqual(await window(cut, 'cut.jsonl'), { rows: 1, labelled: 0 });
  const damaged = serverDir('damaged', { 'predictions.jsonl': `${line.slice(0, 40)}\n${line}\n` });
  await assert.rejects(window(damaged, 'damaged.jsonl'), /predictions\.jsonl:1: not a JSON record/);
  const rotated = serverDir('rotated', { 'predictions.1.jsonl': line.slice(0, 40), 'predictions.jsonl': '' });
  await assert.rejects(window(rotated, 'rotated.jsonl'), /predictions\.1\.jsonl:1: not a JSON record/);
});
