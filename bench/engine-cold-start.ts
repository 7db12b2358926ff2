// Benchmark: what the vendored data engine costs an action. Spawn to exit, in
// rounds so a busy machine hurts every kind alike (medians):
//   node -e ''            — the floor;
//   report, load only     — the report bundle (reads no data; the engine is
//                           neither loaded nor in its bundle's load path);
//   data-test, tiny CSV   — the bundled data-test action on a 3-row file:
//                           bundle load, engine load, profile, report files;
//   engine load           — loading DuckDB and running SELECT 1, alone.
// Also the checkout size GitHub downloads for any mlship action (a tarball of
// the repository at the ref) with and without the vendored engine.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 9);
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'mlship-bench-engine-'));
writeFileSync(join(dir, 'data.csv'), 'a,b\n1,x\n2,y\n3,x\n');
for (const f of ['output', 'summary', 'env', 'state', 'path']) writeFileSync(join(dir, f), '');

function timeSpawn(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ ms: number; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, code, out }));
  });
}

const runner = {
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  GITHUB_ENV: join(dir, 'env'),
  GITHUB_STATE: join(dir, 'state'),
  GITHUB_PATH: join(dir, 'path'),
  GITHUB_WORKSPACE: dir,
  RUNNER_TEMP: dir,
};
const kinds: Record<string, () => Promise<{ ms: number; code: number | null; out: string }>> = {
  "node -e ''": () => timeSpawn(['-e', '']),
  'report action, load only': () => timeSpawn([join(root, 'actions', 'report', 'dist', 'index.js')], runner),
  'data-test action, 3-row CSV': () =>
    timeSpawn([join(root, 'actions', 'data-test', 'dist', 'index.js')], {
      ...runner,
      INPUT_DATA: 'data.csv',
      'INPUT_FAIL-ON': 'error',
      'INPUT_OUTPUT-DIR': 'out',
    }),
  'engine load + SELECT 1': () =>
    timeSpawn([
      '--input-type=module',
      '-e',
      `const { DuckDBInstance } = await import(${JSON.stringify(join(root, 'packages', 'data', 'node_modules', '@duckdb', 'node-api', 'lib', 'index.js'))}); const c = await (await DuckDBInstance.create(':memory:')).connect(); await c.run('SELECT 1');`,
    ]),
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(kinds)) {
    const r = await run();
    if (name.startsWith('data-test') && r.code !== 0) throw new Error(`data-test failed: ${r.out}`);
    times[name]!.push(r.ms);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floor = median(times["node -e ''"]!);
console.log(`cold start, spawn to exit, median of ${ROUNDS} rounds`);
for (const [name, xs] of Object.entries(times))
  console.log(
    `  ${name.padEnd(30)} ${median(xs).toFixed(0).padStart(6)} ms   (+${(median(xs) - floor).toFixed(0)} ms over node)`,
  );

const gzipped = (paths: string[]) =>
  execFileSync(
    'bash',
    ['-c', `git -C ${JSON.stringify(root)} archive --format=tar HEAD ${paths.join(' ')} | gzip -6 | wc -c`],
    { encoding: 'utf8' },
  ).trim();
const total = Number(gzipped([]));
const engine = Number(gzipped(['actions/engine']));
const onnx = Number(gzipped(['actions/validate/bin']));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`checkout GitHub downloads for any mlship action (tar.gz of HEAD): ${mib(total)}`);
console.log(
  `  of which the vendored DuckDB engine ${mib(engine)}, ONNX Runtime ${mib(onnx)}; without the engine ${mib(total - engine)}`,
);
