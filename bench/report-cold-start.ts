// Benchmark: cold start of the bundled report action (actions/report/dist/index.js),
// spawn to exit, beside `node -e ''` spawned the same way in the same run.
//   load only    — no `report` input: the bundle loads, parses inputs, prints
//                  one ::error and exits 1 (module load + zod + octokit setup);
//   full update  — a real sticky update of a small report on a PR with 1,000
//                  comments against the emulator (3 API requests);
//   full create  — first post (create + pointer write; the throttling plugin
//                  spaces writes 1 s apart, as GitHub asks of integrations).
// Rounds alternate between the kinds so a busy machine hurts all alike; the
// median of each is printed with its ratio to the baseline.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@mlship/github-emulator';

const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 9);
const BUNDLE = join(import.meta.dirname, '..', 'actions', 'report', 'dist', 'index.js');

function timeSpawn(
  args: string[],
  env: Record<string, string>,
): Promise<{ ms: number; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, code, out }));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const gh = await startEmulator();
const repo = gh.createRepo({ owner: 'octo', name: 'bench' });
gh.createCommit(repo, { branch: 'main', message: 'init' });
gh.createCommit(repo, { branch: 'feature', message: 'train' });
const pr = gh.createPullRequest(repo, { head: 'feature', base: 'main', title: 'Train', user: 'alice' });
for (let i = 0; i < 1000; i++) gh.addIssueComment(repo, pr.number, { body: `review ${i}`, user: 'alice' });
const dir = mkdtempSync(join(tmpdir(), 'mlship-bench-report-'));
writeFileSync(join(dir, 'report.md'), '## Accuracy\n\n| slice | accuracy |\n| - | - |\n| all | 0.91 |\n');
writeFileSync(join(dir, 'output'), '');
writeFileSync(join(dir, 'summary'), '');
writeFileSync(
  join(dir, 'event.json'),
  JSON.stringify({ pull_request: { number: pr.number, body: null, head: { sha: pr.headSha } } }),
);

const token = gh.createToken({
  login: 'github-actions[bot]',
  type: 'Bot',
  permissions: { 'pull-requests': 'write', contents: 'read', metadata: 'read' },
});
const runnerEnv = (key: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: repo.fullName,
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: join(dir, 'event.json'),
  GITHUB_SHA: pr.headSha,
  GITHUB_REF: `refs/pull/${pr.number}/merge`,
  GITHUB_API_URL: gh.apiUrl,
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'bench',
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  INPUT_REPORT: join(dir, 'report.md'),
  INPUT_TARGET: 'auto',
  INPUT_KEY: key,
  INPUT_TOKEN: token,
});

const times = { baseline: [] as number[], loadOnly: [] as number[], update: [] as number[], create: [] as number[] };
const first = await timeSpawn([BUNDLE], runnerEnv('warm-up'));
if (first.code !== 0) throw new Error(`the action failed: ${first.out}`);
let requestsPerUpdate = 0;
for (let round = 0; round < ROUNDS; round++) {
  times.baseline.push((await timeSpawn(['-e', ''], { PATH: process.env.PATH ?? '' })).ms);
  const { INPUT_REPORT: _, ...noReport } = runnerEnv('x');
  const load = await timeSpawn([BUNDLE], noReport);
  if (load.code !== 1 || !load.out.includes("input 'report' is required")) throw new Error(`unexpected: ${load.out}`);
  times.loadOnly.push(load.ms);
  writeFileSync(join(dir, 'report.md'), `## Accuracy\n\n| slice | accuracy |\n| - | - |\n| all | 0.9${round} |\n`);
  gh.clearRequests();
  const update = await timeSpawn([BUNDLE], runnerEnv('warm-up'));
  if (update.code !== 0) throw new Error(update.out);
  requestsPerUpdate = gh.requests.length;
  times.update.push(update.ms);
  const create = await timeSpawn([BUNDLE], runnerEnv(`new-key-${round}`));
  if (create.code !== 0) throw new Error(create.out);
  times.create.push(create.ms);
}
await gh.stop();

const base = median(times.baseline);
const line = (name: string, xs: number[]) =>
  `${name.padEnd(34)} ${median(xs).toFixed(0).padStart(6)} ms   ${(median(xs) / base).toFixed(2)}x baseline`;
console.log(
  `report action cold start, median of ${ROUNDS} (bundle ${(Buffer.byteLength(await (await import('node:fs/promises')).readFile(BUNDLE, 'utf8')) / 1024).toFixed(0)} KiB)`,
);
console.log(line("baseline: node -e ''", times.baseline));
console.log(line('load only (input error, exit 1)', times.loadOnly));
console.log(line(`full update, 1,000 comments (${requestsPerUpdate} req)`, times.update));
console.log(line('full create (+ pointer write)', times.create));
