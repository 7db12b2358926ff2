import { Octokit } from '@octokit/core';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { classifyGitHubFailure, requestError } from './github-errors.ts';

/**
 * A host that refuses the connection or does not resolve is a wrong URL far
 * more often than an outage (GitHub answers 5xx when it is down), and the
 * retry plugin would spend 14 s on it: such a failure is final. Registered
 * before the retry plugin, so its error hook runs first.
 */
function unreachableIsFinal(octokit: Octokit) {
  octokit.hook.error('request', (error) => {
    if (classifyGitHubFailure(error)?.kind === 'unreachable') throw requestError(error);
    throw error;
  });
  return {};
}

// The parts of the `octokit` package we use, composed directly: pulling in the
// whole package would bundle GitHub App and OAuth code into every action.
const MlshipOctokit = Octokit.plugin(unreachableIsFinal, restEndpointMethods, paginateRest, retry, throttling);

export type GitHubClient = InstanceType<typeof MlshipOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST base URL: GITHUB_API_URL on a runner (github.com, GHES, or the emulator). */
  baseUrl?: string;
  /** GraphQL URL: GITHUB_GRAPHQL_URL on a runner; derived from baseUrl when absent. */
  graphqlUrl?: string;
  /** Where the token came from, named when GitHub refuses it: "the 'token' input", "GITHUB_TOKEN". */
  tokenSource?: string;
  /** Where the client says what it is waiting for (a rate limit); stderr by default. */
  log?: (line: string) => void;
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

interface RequestOptions {
  method?: string;
  url?: string;
}

/**
 * Builds the one GitHub client an entry point hands to adapters. Every request
 * it sends (REST, GraphQL, pagination, uploads) is retried by the same plugins
 * and fails as a GitHubRequestError with one actionable line.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const maxWaitSeconds = options.maxRateLimitWaitSeconds ?? 300;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const label = (request: object) => {
    const { method, url } = safeParse(client, request);
    return `${method} ${url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url}`;
  };
  // The throttling plugin counts retries in retryCount; each wait is said in the log, so a
  // step that seems stuck says why.
  const onLimit =
    (limit: string) =>
    (afterSeconds: number, request: object, _octokit: unknown, retryCount: number): boolean => {
      const what = `GitHub's ${limit} rate limit stopped ${label(request)}`;
      if (afterSeconds > maxWaitSeconds) {
        log(
          `${what}; it lifts in ${afterSeconds} s, later than the ${maxWaitSeconds} s a step waits, so the step fails now`,
        );
        return false;
      }
      if (retryCount >= rateLimitRetries) {
        log(`${what} again after ${rateLimitRetries} wait${rateLimitRetries === 1 ? '' : 's'}; giving up`);
        return false;
      }
      log(`${what}; waiting ${afterSeconds} s before trying again (wait ${retryCount + 1} of ${rateLimitRetries})`);
      return true;
    };
  const client = new MlshipOctokit({
    auth: options.token,
    baseUrl,
    userAgent: USER_AGENT,
    request: options.fetch ? { fetch: options.fetch } : {},
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => log(m),
      error: (m: string) => log(m),
    },
    throttle: {
      enabled: options.throttle ?? true,
      onRateLimit: onLimit('primary (hourly)'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
  if (options.graphqlUrl) {
    const graphqlUrl = options.graphqlUrl;
    client.hook.before('request', (request) => {
      if (request.url === '/graphql' || request.url === `${baseUrl.replace(/\/api\/v3$/, '')}/api/graphql`)
        request.url = graphqlUrl;
    });
  }
  // Registered last, so it sees what is left after every retry and wait.
  client.hook.error('request', (error, request) => {
    const parsed = safeParse(client, request);
    throw requestError(error, {
      method: parsed.method,
      url: parsed.url,
      ...(options.tokenSource ? { tokenSource: options.tokenSource } : {}),
    });
  });
  return client;
}

function safeParse(client: GitHubClient, request: object): { method: string; url: string } {
  try {
    const parsed = client.request.endpoint.parse(request as never);
    return { method: parsed.method, url: parsed.url };
  } catch {
    const r = request as RequestOptions;
    return { method: r.method ?? 'GET', url: r.url ?? '' };
  }
}
