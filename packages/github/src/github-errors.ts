// The one mapper from a failed GitHub request to one actionable line. The
// client runs every request (REST, GraphQL, pagination, uploads) through it, so
// whatever fails reaches the user as a GitHubRequestError; an adapter then adds
// what only it knows: what the step was doing, which permission it needs, what
// a 404 means there. (CML users get stack traces for a missing permission:
// iterative/cml#595, #1421.)
import { GitHubAccessError } from '@mlship/errors';

export type GitHubFailureKind =
  /** No connection: refused, unknown host, no route, TLS failure. */
  | 'unreachable'
  /** The connection closed before the whole answer arrived. */
  | 'connection-closed'
  | 'timeout'
  /** Failed before any answer, for a reason the network layer did not name. */
  | 'network'
  | 'bad-credentials'
  | 'rate-limited'
  | 'forbidden'
  | 'not-found'
  /** GitHub refused the request itself (400, 409, 422, ...). */
  | 'rejected'
  | 'server-error'
  /** A GraphQL answer that carries errors. */
  | 'graphql';

export interface RateLimitFailure {
  /** primary: the token's hourly budget; secondary: GitHub's abuse limits; graphql: the GraphQL point budget. */
  limit: 'primary' | 'secondary' | 'graphql';
  /** When the primary limit resets (ISO time), from x-ratelimit-reset. */
  resetAt?: string | undefined;
  /** GitHub's retry-after, in seconds. */
  retryAfterSeconds?: number | undefined;
}

export interface GitHubFailure {
  kind: GitHubFailureKind;
  /** The HTTP status of GitHub's answer; undefined when none came. */
  status: number | undefined;
  method: string;
  /** The request's full URL. */
  url: string;
  /** GitHub's message, or the network error's code and message; one line. */
  detail: string;
  /** How many times the request was sent, when the retries were counted. */
  attempts?: number | undefined;
  rateLimit?: RateLimitFailure | undefined;
  /** Where the token came from, for a 401: "the 'token' input", "GITHUB_TOKEN". */
  tokenSource?: string | undefined;
  /** GraphQL error types (FORBIDDEN, NOT_FOUND, ...). */
  graphqlTypes?: string[] | undefined;
}

/** What an adapter adds to a failure: its context, which only it knows. */
export interface GitHubErrorHints {
  /** What the step was doing, read after "could not": "write the report comment on octo/x#12". */
  doing: string;
  /** The job permission this request needs, advised on a 403: "pull-requests: write". */
  permission?: string | undefined;
  /** Advice for a 403 instead of the permission, where none helps (a fork PR's read-only token). */
  forbidden?: string | undefined;
  /** What a 404 means here and what to do. */
  notFound?: string | undefined;
  /** Said after "re-run the job" when a failure leaves state behind: " (the registry is left consistent)". */
  rerun?: string | undefined;
}

/** GitHub's answer to a failed request: status, headers and the parsed body. */
export interface GitHubAnswer {
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

/** A GitHub request that failed, with one line that says what happened and what to do. */
export class GitHubRequestError extends GitHubAccessError {
  override readonly name: string = 'GitHubRequestError';
  readonly failure: GitHubFailure;
  /** An adapter has said what the step was doing; outer adapters keep its message. */
  readonly described: boolean;
  /** GitHub's answer, as octokit's RequestError carries it, when one came. */
  readonly response: GitHubAnswer | undefined;

  constructor(failure: GitHubFailure, message: string, options: { cause?: unknown; described: boolean }) {
    super(message, { ...(failure.status === undefined ? {} : { status: failure.status }), cause: options.cause });
    this.failure = failure;
    this.described = options.described;
    this.response = (options.cause as { response?: GitHubAnswer } | undefined)?.response;
  }

  get kind(): GitHubFailureKind {
    return this.failure.kind;
  }

  /** GitHub or the network failed, not the request: trying again later may succeed. */
  get transient(): boolean {
    return TRANSIENT.has(this.failure.kind);
  }
}

const TRANSIENT = new Set<GitHubFailureKind>([
  'unreachable',
  'connection-closed',
  'timeout',
  'network',
  'server-error',
]);

// Node's (undici's) network error codes, by what they mean to the user.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
  'AbortError',
]);

/** The first network error code in an error's cause chain (fetch wraps it: TypeError -> cause). */
function networkCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    for (const code of [current.code, current.name]) {
      if (
        typeof code === 'string' &&
        (UNREACHABLE_CODES.has(code) || CLOSED_CODES.has(code) || TIMEOUT_CODES.has(code))
      )
        return code;
    }
    current = current.cause as typeof current;
  }
  return undefined;
}

/**
 * fetch never connects to the ports of the Fetch standard's "bad port" list
 * (9, 25, 6000...) and fails at once with this message and no code.
 */
const BAD_PORT = /^bad port$/;

function networkKind(code: string | undefined, message: string): GitHubFailureKind {
  if (code && UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (code && CLOSED_CODES.has(code)) return 'connection-closed';
  if (code && TIMEOUT_CODES.has(code)) return 'timeout';
  if (/other side closed|socket hang up|terminated/i.test(message)) return 'connection-closed';
  return 'network';
}

/** One line, short enough for an annotation: GitHub's documentation links dropped. */
function oneLine(text: string): string {
  const line = text
    .replace(/\s+-\s+https:\/\/docs\.github\.com\S*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

interface RequestLike {
  method?: unknown;
  url?: unknown;
  request?: { retryCount?: unknown } | undefined;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  request?: RequestLike;
  response?: { status?: unknown; headers?: Record<string, unknown>; data?: unknown } | undefined;
  errors?: { type?: unknown; message?: unknown }[];
  data?: { errors?: { type?: unknown }[] } | undefined;
  cause?: unknown;
}

function header(error: ErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

function rateLimitOf(status: number, message: string, error: ErrorLike): RateLimitFailure | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = Number(header(error, 'retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  if (
    /secondary rate limit/i.test(message) ||
    (retryAfterSeconds !== undefined && !/rate limit exceeded/i.test(message))
  )
    return { limit: 'secondary', retryAfterSeconds };
  if (header(error, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(message)) {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    return {
      limit: 'primary',
      ...(Number.isFinite(reset) && reset > 0 ? { resetAt: new Date(reset * 1000).toISOString() } : {}),
      retryAfterSeconds,
    };
  }
  return status === 429 ? { limit: 'secondary', retryAfterSeconds } : undefined;
}

function httpKind(status: number): GitHubFailureKind {
  if (status === 401) return 'bad-credentials';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status >= 500) return 'server-error';
  return 'rejected';
}

/** Where the request went, for errors that carry no request of their own. */
export interface RequestInfo {
  method: string;
  url: string;
  attempts?: number | undefined;
  tokenSource?: string | undefined;
}

function attemptsOf(request: RequestLike | undefined): number | undefined {
  const retries = request?.request?.retryCount;
  return typeof retries === 'number' ? retries + 1 : undefined;
}

/**
 * What went wrong with a GitHub request, from what octokit or fetch threw;
 * undefined when the error is not a failed request (a bug, kept as it is).
 */
export function classifyGitHubFailure(error: unknown, info?: RequestInfo): GitHubFailure | undefined {
  if (error instanceof GitHubRequestError) return error.failure;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  // Only what a request threw: a file's ENOENT is not GitHub's business.
  const fromRequest =
    info !== undefined || e.request !== undefined || e.name === 'HttpError' || e.name === 'GraphqlResponseError';
  if (!fromRequest) return undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const method = String(e.request?.method ?? info?.method ?? 'GET');
  const url = String(e.request?.url ?? info?.url ?? '');
  const base = { method, url, attempts: attemptsOf(e.request) ?? info?.attempts, tokenSource: info?.tokenSource };

  // A GraphQL answer with errors (HTTP 200); the throttling plugin throws RATE_LIMITED ones itself.
  const graphqlErrors = e.name === 'GraphqlResponseError' ? e.errors : e.data?.errors;
  if (Array.isArray(graphqlErrors) && graphqlErrors.length > 0) {
    const types = graphqlErrors.map((x) => String(x.type ?? '')).filter(Boolean);
    const detail = oneLine(
      graphqlErrors.map((x) => String((x as { message?: unknown }).message ?? x.type ?? '')).join('; ') || message,
    );
    const graphql = { ...base, method: 'POST', url: url || (info?.url ?? ''), status: undefined, detail };
    if (types.includes('RATE_LIMITED'))
      return { ...graphql, kind: 'rate-limited', rateLimit: { limit: 'graphql' }, graphqlTypes: types };
    if (types.length > 0 && types.every((t) => t === 'FORBIDDEN'))
      return { ...graphql, kind: 'forbidden', graphqlTypes: types };
    if (types.length > 0 && types.every((t) => t === 'NOT_FOUND'))
      return { ...graphql, kind: 'not-found', graphqlTypes: types };
    return { ...graphql, kind: 'graphql', graphqlTypes: types };
  }

  const status = typeof e.status === 'number' ? e.status : undefined;
  // octokit reports a fetch that got no answer as status 500 without a response: no HTTP 500 happened.
  const answered = e.response !== undefined && status !== undefined;
  const code = networkCode(error);
  if (!answered && (code !== undefined || (e.name === 'HttpError' && status === 500))) {
    const cause = (e.cause as { cause?: { message?: unknown }; message?: unknown } | undefined) ?? undefined;
    const causeMessage = String(cause?.cause?.message ?? cause?.message ?? message);
    if (!code && BAD_PORT.test(causeMessage))
      return { ...base, kind: 'unreachable', status: undefined, detail: 'fetch never connects to this port' };
    const kind = networkKind(code, `${message} ${causeMessage}`);
    return { ...base, kind, status: undefined, detail: oneLine(code ? `${code}: ${causeMessage}` : causeMessage) };
  }
  if (!answered || e.name !== 'HttpError') return undefined;
  const rateLimit = rateLimitOf(status, message, e);
  return {
    ...base,
    kind: rateLimit ? 'rate-limited' : httpKind(status),
    status,
    detail: oneLine(message),
    ...(rateLimit ? { rateLimit } : {}),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The request as people read it: method and path, the API base left out. */
function requestLabel(failure: GitHubFailure): string {
  try {
    const u = new URL(failure.url);
    return `${failure.method} ${u.pathname.replace(/^\/api\/v3(?=\/)/, '')}${u.search}`;
  } catch {
    return `${failure.method} ${failure.url}`;
  }
}

function utcTime(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

/** The one line for a failure, with the adapter's hints. */
export function describeGitHubFailure(failure: GitHubFailure, hints: GitHubErrorHints): string {
  const doing = `could not ${hints.doing}`;
  const rerun = `re-run the job${hints.rerun ?? ''}`;
  const tries = failure.attempts && failure.attempts > 1 ? `, ${failure.attempts} tries` : '';
  const request = requestLabel(failure);
  const host = hostOf(failure.url);
  switch (failure.kind) {
    case 'unreachable':
      return `${doing}: the GitHub API host ${host} is unreachable (${failure.detail}) at ${failure.url}; check the API URL (GITHUB_API_URL) and the network, then ${rerun}`;
    case 'connection-closed':
      return `${doing}: the connection to ${host} closed before GitHub answered ${request} (${failure.detail}${tries}); ${rerun}`;
    case 'timeout':
      return `${doing}: ${host} did not answer ${request} in time (${failure.detail}${tries}); ${rerun}`;
    case 'network':
      return `${doing}: ${request} to ${host} failed before GitHub answered (${failure.detail}${tries}); ${rerun}`;
    case 'bad-credentials':
      return `${doing}: GitHub refused the token (401: ${failure.detail}); pass a valid token in ${failure.tokenSource ?? 'the token input'}`;
    case 'rate-limited': {
      const limit = failure.rateLimit;
      if (limit?.limit === 'secondary') {
        const after = limit.retryAfterSeconds ? ` (retry after ${limit.retryAfterSeconds} s)` : '';
        return `${doing}: GitHub's secondary rate limit refused ${request}${after}; re-run the job in a few minutes, with fewer jobs calling GitHub at once`;
      }
      const which = limit?.limit === 'graphql' ? 'GraphQL rate limit' : 'rate limit';
      const until = limit?.resetAt ? ` until ${utcTime(limit.resetAt)}` : '';
      return `${doing}: the token's ${which} is used up${until} (${request}); re-run the job after it resets`;
    }
    case 'forbidden': {
      const fix =
        hints.forbidden ??
        (hints.permission ? `add \`permissions: ${hints.permission}\` to the job` : 'give the token access to it');
      const status = failure.status === undefined ? 'GraphQL FORBIDDEN' : String(failure.status);
      return `${doing}: GitHub refused it (${status}: ${failure.detail}); ${fix}`;
    }
    case 'not-found': {
      const status = failure.status === undefined ? 'GraphQL NOT_FOUND' : String(failure.status);
      return `${doing}: GitHub answered ${status} (${failure.detail}); ${hints.notFound ?? 'check the repository name and that the token can see it'}`;
    }
    case 'rejected':
      return `${doing}: GitHub refused ${request} (${failure.status}: ${failure.detail})`;
    case 'server-error':
      return `${doing}: GitHub kept failing on ${request} (${failure.status}: ${failure.detail}${tries}); ${rerun}`;
    case 'graphql':
      return `${doing}: GitHub's GraphQL API answered with an error (${failure.detail})`;
  }
}

/**
 * The user-facing error for a failed request, with the adapter's hints; the
 * error itself when it is not a failed request (a bug keeps its stack). An
 * error an inner adapter already described keeps its more specific line.
 */
export function gitHubError(error: unknown, hints: GitHubErrorHints): unknown {
  if (error instanceof GitHubRequestError && error.described) return error;
  const failure = classifyGitHubFailure(error);
  if (!failure) return error;
  const cause = error instanceof GitHubRequestError ? error.cause : error;
  return new GitHubRequestError(failure, describeGitHubFailure(failure, hints), { cause, described: true });
}

/** Runs one adapter call, mapping its failure with the hints. */
export async function withGitHubErrors<T>(hints: GitHubErrorHints, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw gitHubError(error, hints);
  }
}

/** The error the client throws for any failed request, before an adapter adds its hints. */
export function requestError(error: unknown, info?: RequestInfo): unknown {
  if (error instanceof GitHubRequestError) return error;
  const failure = classifyGitHubFailure(error, info);
  if (!failure) return error;
  return new GitHubRequestError(failure, describeGitHubFailure(failure, { doing: requestLabel(failure) }), {
    cause: error,
    described: false,
  });
}
