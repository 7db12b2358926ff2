import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore } from './github-store.ts';
import { registryBehaviour } from '../test-kit/registry-behaviour.ts';
import assert from 'node:assert/strict';

registryBehaviour('github', async () => {
  // The suite checks behaviour, not GITHUB_TOKEN's hourly budget: 16 publishes and 16 racing
  // promotions of one model take more than its 1,000 requests.
  const gh = await startEmulator({ rateLimitPerHour: 10_000 });
  const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
  const commit = gh.createCommit(repo, { branch: 'main', message: 'Train churn model' });
  const token = gh.createToken({
    login: 'alice',
    permissions: { contents: 'write', checks: 'read', metadata: 'read' },
  });
  return {
    commit,
    store: () =>
      new GitHubStore({
        client: createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false }),
        owner: repo.owner,
        repo: repo.name,
      }),
    tamper: async (name, version, asset, bytes) => {
      const release = gh.repo(repo).releases.find((r) => r.tagName === `${name}@${version}`)!;
      const record = release.assets.find((a) => a.name === asset)!;
      record.bytes = Buffer.from(bytes);
      record.size = bytes.byteLength;
    },
    close: async () => {
      const violations = [...gh.violations];
      await gh.stop();
      assert.deepEqual(violations, []);
    },
  };
});
