import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import { main } from '../main.ts';

let gh: GitHubEmulator;
const dir = mkdtempSync(join(tmpdir(), 'mlship-report-cli-'));
writeFileSync(join(dir, 'report.md'), '# Accuracy\n\n0.91\n');

before(async () => {
  gh = await startEmulator();
});
after(async () => {
  await gh.stop();
});

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['report', ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
    env,
  });
  return { code, stdout, stderr };
}

test('--dry-run prints the comment that would be posted and needs no token', async () => {
  const { code, stdout } = await run([
    'report.md',
    '--repo',
    'octo/x',
    '--target',
    'pr/3',
    '--key',
    'model-a',
    '--dry-run',
  ]);
  assert.equal(code, 0);
  assert.equal(
    stdout,
    `would post to octo/x#3 (key 'model-a', 54 characters):\n\n<!-- mlship:report key="model-a" -->\n# Accuracy\n\n0.91\n\n`,
  );
});

test('posts, then updates, the sticky comment through the API URL; --json', async () => {
  const repo = gh.createRepo({ owner: 'octo', name: 'cli' });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  const issue = gh.createIssue(repo, { title: 'Weekly model report' });
  const env = { CI_TOKEN: gh.createToken({ login: 'report-bot[bot]', type: 'Bot', permissions: { issues: 'write' } }) };
  const argv = [
    'report.md',
    '--repo',
    'octo/cli',
    '--target',
    `issue/${issue}`,
    '--api-url',
    gh.apiUrl,
    '--token-env',
    'CI_TOKEN',
    '--json',
  ];
  const first = await run(argv, env);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).action, 'created');
  const second = JSON.parse((await run(argv, env)).stdout);
  assert.equal(second.action, 'unchanged');
  assert.equal(second.where, `octo/cli#${issue}`);
  assert.equal(gh.repo(repo).issueComments.length, 1);
});

test('usage errors are one line and exit 1', async () => {
  const outside = await run(['report.md', '--repo', 'octo/x']);
  assert.equal(outside.code, 1);
  assert.match(outside.stderr, /--target is required outside GitHub Actions/);
  const noToken = await run(['report.md', '--repo', 'octo/x', '--target', 'pr/1']);
  assert.match(noToken.stderr, /set GITHUB_TOKEN to a token that can write comments/);
  const badTarget = await run(['report.md', '--repo', 'octo/x', '--target', 'pull/1']);
  assert.match(badTarget.stderr, /--target expected auto, pr, pr\/N/);
  const missing = await run(['nope.md', '--repo', 'octo/x', '--target', 'pr/1', '--dry-run']);
  assert.match(missing.stderr, /the report file '.*nope\.md' does not exist/);
});
