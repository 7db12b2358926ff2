// Shared set-up for the emulator's own tests: one emulator, one repository
// with a pull request, a GITHUB_TOKEN-like bot token and an octokit client.
import { createGitHubClient, type GitHubClient } from '@mlship/github';
import { startEmulator, type GitHubEmulator, type PullRequestHandle, type RepoHandle } from '../src/index.ts';
import { ALL_WRITE } from '../src/emulator-core.ts';
import type { TokenPermissions } from '../src/state.ts';

export interface Fixture {
  gh: GitHubEmulator;
  repo: RepoHandle;
  pr: PullRequestHandle;
  token: string;
  octokit: GitHubClient;
  owner: string;
  name: string;
}

// A job's GITHUB_TOKEN with write permissions: everything but the Actions API.
const { actions: _actions, ...jobToken } = ALL_WRITE;
export const BOT_PERMISSIONS: TokenPermissions = jobToken;

export async function startFixture(
  options: { immutableReleases?: boolean; throttle?: boolean } = {},
): Promise<Fixture> {
  const gh = await startEmulator();
  const repo = gh.createRepo({
    owner: 'octo-org',
    name: 'churn-model',
    defaultBranch: 'main',
    immutableReleases: options.immutableReleases ?? false,
  });
  gh.createCommit(repo, { branch: 'feature/x', message: 'Train with more data' });
  const pr = gh.createPullRequest(repo, { head: 'feature/x', base: 'main', title: 'More data', user: 'alice' });
  const token = gh.createToken({ login: 'github-actions[bot]', type: 'Bot', permissions: BOT_PERMISSIONS });
  const octokit = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: options.throttle ?? false });
  return { gh, repo, pr, token, octokit, owner: repo.owner, name: repo.name };
}

export function clientFor(gh: GitHubEmulator, token: string): GitHubClient {
  return createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
}

/** The HTTP status of a rejected octokit call. */
export async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number') throw error;
    return status;
  }
}
