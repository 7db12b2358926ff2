import { Octokit } from '@octokit/core';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

// The parts of the `octokit` package we use, composed directly: pulling in the
// whole package would bundle GitHub App and OAuth code into every action.
const MlshipOctokit = Octokit.plugin(restEndpointMethods, paginateRest, retry, throttling);

export type GitHubClient = InstanceType<typeof MlshipOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST base URL: GITHUB_API_URL on a runner (github.com, GHES, or the emulator). */
  baseUrl?: string;
  /** How many times a rate-limited request waits and tries again. */
  rateLimitRetries?: number;
  /**
   * The longest wait for a rate limit to lift before failing instead; a
   * primary limit can reset an hour later, longer than a job should idle.
   */
  maxRateLimitWaitSeconds?: number;
  /**
   * false only for in-process tests: the throttling plugin keeps one write
   * queue per process (1 write/s, GitHub's guidance), which would serialise
   * simulated concurrent jobs that are separate processes on real runners.
   */
  throttle?: boolean;
  /** Injected transport (tests), as octokit recommends over module mocks. */
  fetch?: typeof fetch;
}

const USER_AGENT = 'mlship';

/** Builds the one GitHub client an entry point hands to adapters. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWaitSeconds = options.maxRateLimitWaitSeconds ?? 300;
  // The throttling plugin counts retries in request.retryCount.
  const retryWhenRateLimited = (afterSeconds: number, request: { request: object }) =>
    afterSeconds <= maxWaitSeconds && ((request.request as { retryCount?: number }).retryCount ?? 0) < rateLimitRetries;
  return new MlshipOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: USER_AGENT,
    request: options.fetch ? { fetch: options.fetch } : {},
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => console.warn(m),
      error: (m: string) => console.error(m),
    },
    throttle: {
      enabled: options.throttle ?? true,
      onRateLimit: retryWhenRateLimited,
      onSecondaryRateLimit: retryWhenRateLimited,
    },
  });
}
