// `mlship deploy` runs the deploy action's controller from a terminal (same
// runDeploy): a rollout started and stepped against the GitHub emulator and
// a serving runtime on loopback, and its usage errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type GitHubEmulator } from '@mlship/github-emulator';
import { CHURN_POLICY, rolloutWorld } from '@mlship/deploy/test-kit';
import { main } from '../main.ts';

let gh: GitHubEmulator;
before(async () => {
  gh = await startEmulator({ rateLimitPerHour: 1_000_000 });
});
after(async () => {
  await gh.stop();
});

async function run(argv: string[], env: Record<string, string | undefined>, cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(['deploy', ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd,
    env,
  });
  return { code, stdout, stderr };
}

test('start and step a rollout from a terminal, with the state in GitHub', async () => {
  const w = await rolloutWorld(gh, { canary: 'good' });
  const dir = mkdtempSync(join(tmpdir(), 'mlship-deploy-cli-'));
  try {
    writeFileSync(join(dir, 'policy.yml'), CHURN_POLICY);
    const env = { GITHUB_TOKEN: w.token, GITHUB_API_URL: gh.apiUrl, GITHUB_ACTOR: 'alice' };
    const common = [
      ...['--repo', w.repo.fullName, '--registry', `github:${w.repo.fullName}`],
      ...['--server-url', w.server.url, '--policy', 'policy.yml'],
    ];
    const started = await run(['start', 'churn@v1.1.0', ...common], env, dir);
    assert.equal(started.code, 0, started.stderr);
    assert.match(
      started.stdout,
      /^started churn v1\.1\.0: canary at 10% against prod v1\.0\.0 \(deployment \d+, step 1\/3\)\n$/,
    );
    const step = await run(['step', 'churn', ...common, '--json'], env, dir);
    assert.equal(step.code, 0, step.stderr);
    const json = JSON.parse(step.stdout);
    assert.equal(json.action, 'held');
    assert.equal(json.outcome, 'continue');
    assert.equal(json.event.weight, 10);
    assert.equal(gh.repo(w.repo).deployments[0]!.statuses[0]!.creator.login, 'github-actions[bot]');
  } finally {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage mistakes are one-line errors pointing at the usage', async () => {
  const dir = tmpdir();
  const noCommand = await run([], { GITHUB_TOKEN: 't' }, dir);
  assert.equal(noCommand.code, 1);
  assert.match(
    noCommand.stderr,
    /^mlship: error: mlship deploy: give a command: start, step, promote, rollback; see 'mlship deploy --help'\n$/,
  );
  const noToken = await run(['step', 'churn', '--server-url', 'http://127.0.0.1:9'], {}, dir);
  assert.match(
    noToken.stderr,
    /no token for GitHub, where the rollout's state lives \(deployments: write, contents: write\); set GITHUB_TOKEN or GH_TOKEN, or pipe it to --token-stdin/,
  );
  const twoAdapters = await run(
    ['step', 'churn', '--repo', 'o/r', '--server-url', 'http://127.0.0.1:9', '--traffic-command', 'true'],
    { GITHUB_TOKEN: 't' },
    dir,
  );
  assert.match(
    twoAdapters.stderr,
    /set only one of server-url, traffic-url and traffic-command \(got server-url, traffic-command\)/,
  );
  const help = await run(['--help'], {}, dir);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: mlship deploy <command> NAME\[@vX\.Y\.Z\]/);
});
