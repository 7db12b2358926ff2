// The bad-input table for the bundled actions (test/bad-input/action-rows.ts),
// run as the runner runs them against the GitHub emulator: each row must end
// in a failed step with one `::error` annotation naming what is wrong and what
// to do, no stack, nothing left in the workspace or TMPDIR, and nothing
// written to GitHub (no comment, release, ref or check run).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createGitHubClient } from '@mlship/github';
import { startEmulator, type GitHubEmulator, type RepoHandle } from '@mlship/github-emulator';
import { readOnnxSignature } from '@mlship/onnx';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { repoRoot } from '../scripts/build-actions.ts';
import { runActionDir, webhookEvent } from './harness/index.ts';
import { assertCleanFailure, runRow } from './bad-input/bad-input-row.ts';
import { ACTION_ROWS } from './bad-input/action-rows.ts';
import { buildFixtures, type Fixtures } from './bad-input/fixtures.ts';
import { changedPaths, createWorkspace, snapshot } from './bad-input/workspace.ts';

let fixtures: Fixtures;
let gh: GitHubEmulator;
before(async () => {
  [fixtures, gh] = await Promise.all([buildFixtures(), startEmulator()]);
});
after(async () => {
  fixtures.remove();
  await gh.stop();
});

/** What GitHub holds for the repository, to show a failed step changed nothing there. */
function remoteState(repo: RepoHandle): string {
  return JSON.stringify(gh.repo(repo), (_, value: unknown) =>
    value instanceof Map ? [...value] : value instanceof Uint8Array ? `${value.length} bytes` : value,
  );
}

let serial = 0;
describe('the bundled actions fail cleanly on bad input', { concurrency: 2 }, () => {
  for (const row of ACTION_ROWS) {
    const name = row.action === '.' ? 'mlship (root action)' : `actions/${row.action}`;
    test(`${name}: ${row.case}`, (t) =>
      runRow(t, row, async () => {
        const repo = gh.createRepo({ owner: 'octo-org', name: `bad-input-${serial++}` });
        gh.createCommit(repo, { branch: 'main', message: 'init' });
        gh.createCommit(repo, { branch: 'feature/x', message: 'Retrain' });
        const pr = gh.createPullRequest(repo, { head: 'feature/x', base: 'main', title: 'Retrain', user: 'alice' });
        const token = gh.createToken({
          login: 'github-actions[bot]',
          type: 'Bot',
          permissions: {
            contents: 'write',
            'pull-requests': 'write',
            issues: 'write',
            checks: 'write',
            metadata: 'read',
          },
        });
        if (row.seedRegistry) {
          const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
          const registry = new RegistryService(new GitHubStore({ client, owner: repo.owner, repo: repo.name }), {
            actor: 'alice',
            readSignature: readOnnxSignature,
          });
          const files = [{ path: fixtures.paths['candidate.onnx']!, role: 'model' as const }];
          await registry.publish({ name: 'churn', version: 'v1.0.0', files, commit: pr.baseSha });
          await registry.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
        }
        const ws = createWorkspace(row.files ?? {}, fixtures.paths);
        try {
          const before = snapshot(ws.dir);
          const github = remoteState(repo);
          const env: Record<string, string> = { TMPDIR: ws.tmp, NODE_COMPILE_CACHE: fixtures.compileCache, ...row.env };
          if (env.GITHUB_EVENT_PATH && !env.GITHUB_EVENT_PATH.startsWith('/'))
            env.GITHUB_EVENT_PATH = join(ws.dir, env.GITHUB_EVENT_PATH);
          const run = await runActionDir(row.action === '.' ? repoRoot : join(repoRoot, 'actions', row.action), {
            inputs: row.inputs,
            event: webhookEvent('pull_request', 'synchronize', { repo, pr }),
            emulator: gh,
            token,
            cwd: ws.dir,
            env,
            timeoutMs: 60_000,
          });
          const errorLines = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
          t.diagnostic(errorLines.join(' | '));
          assertCleanFailure(row, {
            exitCode: run.exitCode,
            errorLines,
            output: run.stdout + run.stderr,
            changed: changedPaths(before, snapshot(ws.dir)),
            tmpDir: ws.tmp,
          });
          assert.equal(remoteState(repo), github, 'nothing was written to GitHub');
        } finally {
          ws.remove();
        }
      }));
  }
});
