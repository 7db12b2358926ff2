import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { runnerContextFromEnv } from './read-runner-context.ts';
import { graphqlUrlFor, requireRepo, sourceCommit } from './runner-context.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlship-runner-context-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function eventFile(content: string): string {
  const path = join(dir, `event-${files++}.json`);
  writeFileSync(path, content);
  return path;
}

/** A real payload of @octokit/webhooks-examples. */
function example(name: string, action?: string): Record<string, unknown> {
  const groups = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const found = groups.find((g) => g.name === name)?.examples.find((e) => e['action'] === action);
  assert.ok(found, `${name}.${action ?? ''}`);
  return structuredClone(found);
}

const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const MERGE = 'a'.repeat(40);

function runnerEnv(payload: unknown, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile(JSON.stringify(payload)),
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_SHA: MERGE,
    GITHUB_REF: 'refs/pull/2/merge',
    GITHUB_HEAD_REF: 'changes',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_ACTOR: 'Codertocat',
    GITHUB_WORKSPACE: '/home/runner/work/Hello-World/Hello-World',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'validate',
    GITHUB_API_URL: 'https://ghe.example/api/v3',
    GITHUB_SERVER_URL: 'https://ghe.example',
    GITHUB_STEP_SUMMARY: '/home/runner/_temp/summary',
    ...extra,
  };
}

test("a pull_request step: the PR head from the payload, the run's page, every URL", async () => {
  const payload = example('pull_request', 'opened');
  const context = await runnerContextFromEnv(runnerEnv(payload), { cwd: '/elsewhere' });
  assert.deepEqual(context.pullRequest, {
    number: 2,
    headSha: HEAD,
    headRef: 'changes',
    headRepo: 'Codertocat/Hello-World',
    baseRef: 'master',
    fromFork: false,
  });
  assert.equal(sourceCommit(context), HEAD, 'the PR head, not the merge commit');
  assert.deepEqual(context.repo, { owner: 'Codertocat', repo: 'Hello-World' });
  assert.equal(context.sha, MERGE);
  assert.equal(context.eventName, 'pull_request');
  assert.equal(context.payload['action'], 'opened');
  assert.deepEqual(context.run, {
    id: '1658821493',
    attempt: 2,
    url: 'https://ghe.example/Codertocat/Hello-World/actions/runs/1658821493',
  });
  assert.equal(context.workspace, '/home/runner/work/Hello-World/Hello-World');
  assert.equal(context.apiUrl, 'https://ghe.example/api/v3');
  assert.equal(context.graphqlUrl, 'https://ghe.example/api/graphql', 'derived as on GHES');
  assert.equal(context.stepSummaryPath, '/home/runner/_temp/summary');
  assert.equal(context.inActions, true);
});

test('a pull request from a fork, or from a deleted fork, is a fork', async () => {
  const payload = example('pull_request', 'opened');
  const pull = payload['pull_request'] as { head: { repo: { full_name: string } | null } };
  pull.head.repo!.full_name = 'someone/Hello-World';
  assert.equal((await runnerContextFromEnv(runnerEnv(payload), { cwd: dir })).pullRequest?.fromFork, true);
  pull.head.repo = null;
  const deleted = await runnerContextFromEnv(runnerEnv(payload), { cwd: dir });
  assert.equal(deleted.pullRequest?.fromFork, true);
  assert.equal(deleted.pullRequest?.headRepo, null);
});

test('a push step has no pull request; the source commit is GITHUB_SHA', async () => {
  const payload = example('push');
  const context = await runnerContextFromEnv(
    runnerEnv(payload, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_HEAD_REF: '' }),
    { cwd: dir },
  );
  assert.equal(context.pullRequest, undefined);
  assert.equal(sourceCommit(context), MERGE);
});

test('outside a workflow: no payload is fine, github.com is the default, the workspace is the cwd', async () => {
  const context = await runnerContextFromEnv({}, { cwd: '/work/repo' });
  assert.equal(context.inActions, false);
  assert.deepEqual(context.payload, {});
  assert.equal(context.repo, undefined);
  assert.equal(context.run, undefined);
  assert.equal(context.workspace, '/work/repo');
  assert.equal(context.apiUrl, 'https://api.github.com');
  assert.equal(context.graphqlUrl, 'https://api.github.com/graphql');
  assert.equal(context.serverUrl, 'https://github.com');
});

async function refusal(env: Record<string, string>, sources?: Record<string, string>): Promise<string> {
  try {
    await runnerContextFromEnv(env, { cwd: dir, ...(sources ? { sources } : {}) });
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail('it was accepted');
}

test('inside a workflow a missing, unreadable or non-JSON payload fails naming GITHUB_EVENT_PATH', async () => {
  const fix = 'it must name the webhook payload file the runner writes for the job';
  assert.equal(
    await refusal({ GITHUB_ACTIONS: 'true' }),
    `GITHUB_EVENT_PATH is not set although GITHUB_ACTIONS is true; ${fix}`,
  );
  const gone = join(dir, 'gone.json');
  assert.equal(
    await refusal({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: gone }),
    `GITHUB_EVENT_PATH '${gone}' cannot be read (ENOENT); ${fix}`,
  );
  const notJson = eventFile('{"pull_request": ');
  assert.match(
    await refusal({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: notJson }),
    new RegExp(`^GITHUB_EVENT_PATH '${notJson}' is not JSON \\(.+\\); ${fix}$`),
  );
  const array = eventFile('[]');
  assert.equal(
    await refusal({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: array }),
    `GITHUB_EVENT_PATH '${array}' holds JSON that is not an object; ${fix}`,
  );
});

test('a variable the runner would never write is one line naming it (or the flag that set it)', async () => {
  assert.equal(
    await refusal({ GITHUB_REPOSITORY: 'just-a-name' }),
    "GITHUB_REPOSITORY 'just-a-name' is invalid: expected 'owner/name'",
  );
  assert.equal(
    await refusal({ GITHUB_API_URL: 'ftp://ghe.example' }, { GITHUB_API_URL: '--api-url' }),
    "--api-url 'ftp://ghe.example' is invalid: expected an http(s) URL",
  );
  assert.equal(await refusal({ GITHUB_SHA: 'main' }), "GITHUB_SHA 'main' is invalid: expected a full commit SHA");
});

test('empty variables are unset, as the runner leaves GITHUB_HEAD_REF on push', async () => {
  const context = await runnerContextFromEnv(
    { GITHUB_REPOSITORY: '', GITHUB_API_URL: '', GITHUB_ACTOR: '' },
    { cwd: dir },
  );
  assert.equal(context.repo, undefined);
  assert.equal(context.apiUrl, 'https://api.github.com');
  assert.equal(context.actor, undefined);
});

test('the GraphQL URL of a REST base: github.com, GHE.com, GHES', () => {
  assert.equal(graphqlUrlFor('https://api.github.com'), 'https://api.github.com/graphql');
  assert.equal(graphqlUrlFor('https://api.octo.ghe.com/'), 'https://api.octo.ghe.com/graphql');
  assert.equal(graphqlUrlFor('https://ghe.example/api/v3'), 'https://ghe.example/api/graphql');
});

test('a step that needs the repository gets it, or one line naming GITHUB_REPOSITORY and the flag that sets it', async () => {
  const known = await runnerContextFromEnv({ GITHUB_REPOSITORY: 'octo/churn' }, { cwd: dir });
  assert.deepEqual(requireRepo(known, 'the check run'), { owner: 'octo', repo: 'churn' });
  const step = await runnerContextFromEnv({}, { cwd: dir });
  assert.throws(
    () => requireRepo(step, 'the check run'),
    (error) =>
      error instanceof InputError &&
      error.message ===
        'the repository is unknown (the check run needs it): GITHUB_REPOSITORY is not set; run the step in a GitHub Actions job, or set it to owner/name',
  );
  const cli = await runnerContextFromEnv({}, { cwd: dir, sources: { GITHUB_REPOSITORY: '--repo' } });
  assert.throws(
    () => requireRepo(cli, 'the report'),
    (error) =>
      error instanceof InputError &&
      error.message ===
        'the repository is unknown (the report needs it): GITHUB_REPOSITORY is not set; pass --repo owner/name or set GITHUB_REPOSITORY',
  );
});
