import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubAccessError } from '@mlship/errors';
import { createGitHubClient, type GitHubClient } from '@mlship/github';
import { runnerContextFromEnv, type RunnerContext } from '@mlship/runner-context';
import { publishValidation } from './publish.ts';
import type { ValidateOutcome } from './validate.ts';

const outcome = {
  result: { verdict: 'pass', gates: [] },
  section: { markdown: 'verdict: pass' },
} as unknown as ValidateOutcome;

/** A client whose every request gets this answer (octokit's injected transport). */
function answering(status: number, message: string, headers: Record<string, string> = {}): GitHubClient {
  return createGitHubClient({
    token: 't',
    baseUrl: 'https://api.github.test',
    throttle: false,
    fetch: async () =>
      new Response(JSON.stringify({ message }), {
        status,
        headers: { 'content-type': 'application/json', ...headers },
      }),
  });
}
const readOnly = answering(403, 'Resource not accessible by integration');

async function pullRequestRun(headRepo: string): Promise<RunnerContext> {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-publish-'));
  const path = join(dir, 'event.json');
  writeFileSync(
    path,
    JSON.stringify({
      pull_request: {
        number: 7,
        head: { sha: 'a'.repeat(40), ref: 'feature', repo: { full_name: headRepo } },
        base: { ref: 'main', repo: { full_name: 'octo/models' } },
      },
    }),
  );
  return runnerContextFromEnv(
    {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path,
      GITHUB_REPOSITORY: 'octo/models',
      GITHUB_SHA: 'b'.repeat(40),
    },
    { cwd: dir },
  );
}

test('a fork pull request, whose token cannot write checks, gets a warning instead of a failed step', async () => {
  const published = await publishValidation(outcome, {
    checkName: 'mlship validate',
    client: readOnly,
    context: await pullRequestRun('someone/models'),
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
      client: readOnly,
      context: await pullRequestRun('octo/models'),
    }),
    (e: unknown) =>
      e instanceof GitHubAccessError &&
      e.message ===
        "could not create the 'mlship validate' check run on octo/models: GitHub refused it (403: Resource not accessible by integration); add `permissions: checks: write` to the job, or set check-name to '' to skip the check run",
  );
});

test('a rate limit on a fork pull request is not taken for the fork: it fails saying when to re-run', async () => {
  const limited = answering(403, 'API rate limit exceeded for installation ID 1.', {
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Date.UTC(2030, 0, 1, 12, 30, 0) / 1000),
  });
  await assert.rejects(
    publishValidation(outcome, {
      checkName: 'mlship validate',
      client: limited,
      context: await pullRequestRun('someone/models'),
    }),
    (e: unknown) =>
      e instanceof GitHubAccessError &&
      /^could not create the 'mlship validate' check run on octo\/models: the token's rate limit is used up until 12:30:00 UTC/.test(
        e.message,
      ) &&
      !/permissions/.test(e.message),
  );
});

test('the check run goes on the pull request head, not the merge commit', async () => {
  let sent: { head_sha?: string } = {};
  const client = createGitHubClient({
    token: 't',
    baseUrl: 'https://api.github.test',
    throttle: false,
    fetch: async (_url, init) => {
      sent = JSON.parse(String(init?.body)) as { head_sha?: string };
      return new Response(JSON.stringify({ html_url: 'https://github.test/octo/models/runs/1' }), {
        status: 201,
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  const published = await publishValidation(outcome, {
    checkName: 'mlship validate',
    client,
    context: await pullRequestRun('octo/models'),
  });
  assert.equal(published.checkRunUrl, 'https://github.test/octo/models/runs/1');
  assert.equal(sent.head_sha, 'a'.repeat(40));
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
  const context = await runnerContextFromEnv(
    {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'workflow_run',
      GITHUB_EVENT_PATH: path,
      GITHUB_REPOSITORY: 'octo/models',
      GITHUB_SHA: 'b'.repeat(40),
    },
    { cwd: dir },
  );
  await publishValidation(outcome, { checkName: 'mlship validate', client, context });
  assert.equal(created[0]?.head_sha, 'c'.repeat(40));
  assert.equal(created[0]?.output.title, 'Candidate passes every gate');
});
