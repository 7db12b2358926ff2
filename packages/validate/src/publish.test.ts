import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubAccessError } from '@mlship/errors';
import type { GitHubClient } from '@mlship/github';
import { publishValidation } from './publish.ts';
import type { ValidateOutcome } from './validate.ts';

const outcome = {
  result: { verdict: 'pass', gates: [] },
  section: { markdown: 'verdict: pass' },
} as unknown as ValidateOutcome;
const readOnly = {
  rest: {
    checks: {
      create: async () => {
        throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
      },
    },
  },
} as unknown as GitHubClient;

function pullRequestEvent(headRepo: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-publish-'));
  const path = join(dir, 'event.json');
  writeFileSync(
    path,
    JSON.stringify({
      pull_request: {
        head: { sha: 'a'.repeat(40), repo: { full_name: headRepo } },
        base: { repo: { full_name: 'octo/models' } },
      },
    }),
  );
  return { GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: 'octo/models', GITHUB_SHA: 'b'.repeat(40) };
}

test('a fork pull request, whose token cannot write checks, gets a warning instead of a failed step', async () => {
  const published = await publishValidation(outcome, {
    checkName: 'mlship validate',
    token: undefined,
    env: pullRequestEvent('someone/models'),
    client: readOnly,
  });
  assert.equal(published.checkRunUrl, undefined);
  assert.match(
    published.warning!,
    /^no 'mlship validate' check run: this pull request comes from a fork, whose token cannot write checks; the verdict is in the job summary and the outputs/,
  );
});

test('the same 403 on a pull request from the repository itself still fails, naming the permission', async () => {
  await assert.rejects(
    publishValidation(outcome, {
      checkName: 'mlship validate',
      token: undefined,
      env: pullRequestEvent('octo/models'),
      client: readOnly,
    }),
    (e: unknown) => e instanceof GitHubAccessError && /permissions: checks: write/.test(e.message),
  );
});

test('from a workflow_run, the check run goes on the pull request head the run validated', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-publish-'));
  const path = join(dir, 'event.json');
  writeFileSync(path, JSON.stringify({ workflow_run: { head_sha: 'c'.repeat(40), event: 'pull_request' } }));
  const created: Array<{ head_sha: string; output: { title: string } }> = [];
  const client = {
    rest: {
      checks: {
        create: async (request: { head_sha: string; output: { title: string } }) => {
          created.push(request);
          return { data: { html_url: 'https://github.com/octo/models/runs/1' } };
        },
      },
    },
  } as unknown as GitHubClient;
  await publishValidation(outcome, {
    checkName: 'mlship validate',
    token: undefined,
    env: { GITHUB_EVENT_PATH: path, GITHUB_REPOSITORY: 'octo/models', GITHUB_SHA: 'b'.repeat(40) },
    client,
  });
  assert.equal(created[0]?.head_sha, 'c'.repeat(40));
  assert.equal(created[0]?.output.title, 'Candidate passes every gate');
});
