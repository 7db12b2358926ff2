import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore } from './github-store.ts';
import { RegistryService } from './registry-service.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';
import { parseStagePolicy } from './stage-policy.ts';

test('a stage with required checks needs them to have succeeded on the version commit', async () => {
  const gh = await startEmulator();
  try {
    const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main' });
    const commit = gh.createCommit(repo, { branch: 'main', message: 'train' });
    const token = gh.createToken({
      login: 'alice',
      permissions: { contents: 'write', checks: 'write', metadata: 'read' },
    });
    const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
    const stagePolicy = parseStagePolicy(
      'stages:\n  - name: prod\n    requiredChecks: [eval, data-tests]\n',
      'policy.yml',
    );
    const reg = new RegistryService(new GitHubStore({ client, owner: repo.owner, repo: repo.name }), {
      actor: 'alice',
      stagePolicy,
      sleep: async () => {},
    });
    await reg.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit });

    const check = (name: string, conclusion: string) =>
      client.rest.checks.create({
        owner: repo.owner,
        repo: repo.name,
        name,
        head_sha: commit,
        status: 'completed',
        conclusion: conclusion as 'success',
      });
    await check('eval', 'success');
    await check('data-tests', 'failure');
    await assert.rejects(
      reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' }),
      /required check\(s\) data-tests have not succeeded/,
    );
    await check('data-tests', 'success');
    assert.equal((await reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' })).tag, 'churn#prod#2');
    await check('eval', 'failure');
    await assert.rejects(
      reg.promote({ name: 'churn', version: 'v1.0.0', stage: 'canary' }),
      /stage 'canary' is not allowed/,
    );
    await reg.publish({ name: 'churn', version: 'v1.1.0', files: await modelFiles(2), commit });
    await assert.rejects(
      reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' }),
      /required check\(s\) eval have not succeeded/,
      'the newest run of a check counts',
    );
    assert.deepEqual(gh.violations, []);
  } finally {
    await gh.stop();
  }
});
