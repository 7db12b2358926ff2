// A fresh repository per test for packages that test against the emulator: one
// commit on main and a bot token holding just the permissions the step needs.
import { createGitHubClient, type GitHubClient, type RepoRef } from '@mlship/github';
import type { GitHubEmulator, RepoHandle } from '../src/index.ts';
import type { TokenPermissions } from '../src/state.ts';

export interface FreshRepo {
  repo: RepoHandle;
  ref: RepoRef;
  client: GitHubClient;
}

export function freshRepo(
  gh: GitHubEmulator,
  options: { name: string; login: string; permissions: TokenPermissions },
): FreshRepo {
  const repo = gh.createRepo({ owner: 'octo-org', name: options.name });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  const token = gh.createToken({ login: options.login, type: 'Bot', permissions: options.permissions });
  return {
    repo,
    ref: { owner: repo.owner, repo: repo.name },
    client: createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false }),
  };
}
