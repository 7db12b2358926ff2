import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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

async function run(argv: string[], env: Record<string, string | undefined> = {}, stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await main(['report', ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => stdin,
    cwd: dir,
    env,
  });
  return { code, stdout, stderr };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
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

test('posts, then updates, the sticky comment through the API URL, with the token of GH_TOKEN, then stdin; --json', async () => {
  const repo = gh.createRepo({ owner: 'octo', name: 'cli' });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  const issue = gh.createIssue(repo, { title: 'Weekly model report' });
  const token = gh.createToken({ login: 'report-bot[bot]', type: 'Bot', permissions: { issues: 'write' } });
  const argv = ['report.md', '--repo', 'octo/cli', '--target', `issue/${issue}`, '--api-url', gh.apiUrl, '--json'];
  const first = await run(argv, { GH_TOKEN: token });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).action, 'created');
  const second = await run([...argv, '--token-stdin'], {}, `${token}\n`);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).action, 'unchanged');
  assert.equal(JSON.parse(second.stdout).where, `octo/cli#${issue}`);
  assert.equal(gh.repo(repo).issueComments.length, 1);
});

test('a token on the command line is refused, saying where a token comes from instead', async () => {
  const argv = ['report.md', '--repo', 'octo/x', '--target', 'pr/1'];
  const flag = await run([...argv, '--token', 'ghp_secret']);
  assert.equal(flag.code, 1);
  assert.equal(
    flag.stderr,
    "mlship: error: mlship report: --token is not accepted (a token on the command line is visible in ps and shell history); set GITHUB_TOKEN or GH_TOKEN, or pipe it to --token-stdin; see 'mlship report --help'\n",
  );
  const tokenEnv = await run([...argv, '--token-env', 'CI_TOKEN']);
  assert.match(tokenEnv.stderr, /--token-env is gone; set GITHUB_TOKEN or GH_TOKEN, or pipe it to --token-stdin/);
  const emptyStdin = await run([...argv, '--token-stdin'], {}, '\n');
  assert.match(emptyStdin.stderr, /--token-stdin read no token from stdin/);
});

test('an unreachable API host is named with its URL, not reported as an HTTP 500', async () => {
  const port = await closedPort();
  const apiUrl = `http://127.0.0.1:${port}/api/v3`;
  const r = await run(['report.md', '--repo', 'octo/x', '--target', 'pr/1', '--api-url', apiUrl], {
    GITHUB_TOKEN: 't',
  });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `mlship: error: could not read the description of octo/x#1: the GitHub API host 127.0.0.1:${port} is unreachable (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}) at ${apiUrl}/repos/octo/x/issues/1; check the API URL (GITHUB_API_URL) and the network, then re-run the job\n`,
  );
});

test('usage errors are one line and exit 1', async () => {
  const outside = await run(['report.md', '--repo', 'octo/x']);
  assert.equal(outside.code, 1);
  assert.match(outside.stderr, /--target is required outside GitHub Actions/);
  const noToken = await run(['report.md', '--repo', 'octo/x', '--target', 'pr/1']);
  assert.match(noToken.stderr, /no token to write the comment with; set GITHUB_TOKEN or GH_TOKEN/);
  const badTarget = await run(['report.md', '--repo', 'octo/x', '--target', 'pull/1']);
  assert.match(badTarget.stderr, /--target expected auto, pr, pr\/N/);
  const missing = await run(['nope.md', '--repo', 'octo/x', '--target', 'pr/1', '--dry-run']);
  assert.match(missing.stderr, /the report file '.*nope\.md' does not exist/);
});
