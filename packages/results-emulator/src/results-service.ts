// The public face of the results service emulator: start it, issue runtime
// tokens for jobs, hand a job's node actions the environment the runner gives
// them, inspect what was stored and sent, break it.
import { createHash, randomBytes } from 'node:crypto';
import { ARTIFACT_ACCOUNT, ARTIFACT_CONTAINER } from './artifact-service.ts';
import { DEFAULT_RETENTION_DAYS } from './artifact-rules.ts';
import { BlobStore } from './blob-store.ts';
import { CACHE_ACCOUNT, CACHE_CONTAINER } from './cache-service.ts';
import { Clock } from './clock.ts';
import { ResultsFaultQueue, type ResultsFaultRule } from './faults.ts';
import { ResultsHttpServer } from './http-server.ts';
import { ResultsIdSequences } from './ids.ts';
import type { ResultsServiceName } from './message-types.ts';
import type { ResultsRequestLogEntry, ResultsViolation } from './request-log.ts';
import {
  CachePermission,
  TOKEN_ISSUER,
  resultsScope,
  signRuntimeToken,
  tokenKeys,
  type CacheScopeGrant,
} from './runtime-token.ts';
import { signBlobSas, type BlobLocation } from './shared-access-signature.ts';
import { emptyState, type ArtifactRecord, type CacheEntryRecord, type ResultsState } from './state.ts';
import { processTwirpCall } from './twirp-endpoint.ts';

export interface StartResultsServiceOptions {
  /**
   * Where signed URLs point. 'azure' (default): http://ACCOUNT.blob.core.windows.net/…,
   * reached through this service as HTTP_PROXY, so the clients take the code paths they
   * take on github.com (@actions/cache downloads Azure-hosted blobs with the Azure SDK
   * in ranged parallel reads). 'loopback': path-style URLs on 127.0.0.1, as Azurite serves.
   */
  blobEndpoint?: 'azure' | 'loopback';
  /** the repository's artifact retention in days (GITHUB_RETENTION_DAYS; default 90) */
  retentionDays?: number;
}

/** A job as the runner knows it: what its runtime token and cache scopes are made from. */
export interface RunnerJob {
  /** owner/name */
  repository: string;
  /** GITHUB_RUN_ID */
  runId: string;
  /** GITHUB_RUN_ATTEMPT (default 1): a re-run job is a new job run */
  runAttempt?: number;
  /** GITHUB_JOB */
  job: string;
  /** GITHUB_REF: the cache scope the job writes (refs/heads/x, refs/pull/N/merge) */
  ref: string;
  /** the repository's default branch: a scope every job reads */
  defaultBranch: string;
  /** a pull request's base branch (GITHUB_BASE_REF): a scope its jobs read */
  baseRef?: string;
}

export interface RuntimeTokenOptions extends RunnerJob {
  /** lifetime (default 6 hours, the longest a job runs on a GitHub-hosted runner) */
  expiresInSeconds?: number;
  /** replaces the cache scopes derived from ref, baseRef and defaultBranch */
  cacheScopes?: CacheScopeGrant[];
  /** the repository's cache size limit in GB, the `acsl` claim (default 10) */
  cacheLimitGb?: number;
  /** leave the Actions.Results scope out of `scp` */
  withoutResultsScope?: boolean;
}

const HOUR_MS = 3600 * 1000;
/** How long the signed URLs the service hands out stay valid. */
export const SIGNED_URL_LIFETIME_MS = { upload: 6 * HOUR_MS, download: HOUR_MS } as const;
const SAS_START_SKEW_MS = 5 * 60 * 1000;

export class ResultsService {
  readonly state: ResultsState = emptyState();
  readonly clock = new Clock();
  readonly blobs = new BlobStore();
  readonly #faults = new ResultsFaultQueue();
  readonly #ids = new ResultsIdSequences();
  readonly #accountKey = randomBytes(64);
  readonly #blobEndpoint: 'azure' | 'loopback';
  readonly #retentionDays: number;
  #server: ResultsHttpServer | undefined;

  private constructor(options: StartResultsServiceOptions) {
    this.#blobEndpoint = options.blobEndpoint ?? 'azure';
    this.#retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  static async start(options: StartResultsServiceOptions = {}): Promise<ResultsService> {
    const service = new ResultsService(options);
    await service.#listen();
    return service;
  }

  /** ACTIONS_RESULTS_URL */
  get url(): string {
    return `${this.#http.baseUrl}/`;
  }

  /** The HTTP proxy the clients reach *.blob.core.windows.net through ('azure' blob endpoint only). */
  get proxyUrl(): string | undefined {
    return this.#blobEndpoint === 'azure' ? this.#http.baseUrl : undefined;
  }

  get requests(): readonly ResultsRequestLogEntry[] {
    return this.#http.requests;
  }

  get violations(): readonly ResultsViolation[] {
    return this.#http.violations;
  }

  clearRequests(): void {
    this.#http.requests.length = 0;
  }

  /** For tests that provoke violations on purpose, once they have asserted them. */
  clearViolations(): void {
    this.#http.violations.length = 0;
  }

  /** The run's and job's backend ids, as the token's Actions.Results scope carries them. */
  backendIds(job: Pick<RunnerJob, 'repository' | 'runId' | 'runAttempt' | 'job'>): {
    runBackendId: string;
    jobBackendId: string;
  } {
    return {
      runBackendId: uuidOf(`run:${job.repository}:${job.runId}`),
      jobBackendId: uuidOf(`job:${job.repository}:${job.runId}:${job.runAttempt ?? 1}:${job.job}`),
    };
  }

  /** An ACTIONS_RUNTIME_TOKEN for the job, signed by this service. */
  createRuntimeToken(options: RuntimeTokenOptions): string {
    const { runBackendId, jobBackendId } = this.backendIds(options);
    if (!this.state.runs.has(runBackendId))
      this.state.runs.set(runBackendId, {
        repository: options.repository,
        runId: options.runId,
        runBackendId,
        defaultBranch: options.defaultBranch,
      });
    const nowSeconds = Math.floor(this.clock.nowMs() / 1000);
    const scopes = [
      'Actions.GenericRead:00000000-0000-0000-0000-000000000000',
      ...(options.withoutResultsScope ? [] : [resultsScope(runBackendId, jobBackendId)]),
      'LocationService.Connect',
    ];
    const cacheScopes = options.cacheScopes ?? defaultCacheScopes(options);
    return signRuntimeToken(tokenKeys(), {
      nameid: 'dddddddd-dddd-dddd-dddd-dddddddddddd',
      scp: scopes.join(' '),
      IdentityTypeClaim: 'System:ServiceIdentity',
      ac: JSON.stringify(cacheScopes.map((s) => ({ Scope: s.scope, Permission: s.permission }))),
      acsl: String(options.cacheLimitGb ?? 10),
      orchid: `${runBackendId}.${options.job}.__default`,
      iss: TOKEN_ISSUER,
      aud: `vso:${runBackendId}`,
      nbf: nowSeconds - 60,
      iat: nowSeconds - 60,
      exp: nowSeconds + (options.expiresInSeconds ?? 6 * 3600),
    });
  }

  /**
   * What the runner puts in a node action's environment for the results service:
   * ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN, ACTIONS_CACHE_SERVICE_V2,
   * ACTIONS_CACHE_URL and ACTIONS_RUNTIME_URL (the services' v1 addresses, which the
   * v2 clients must not use), GITHUB_RETENTION_DAYS; with the 'azure' blob endpoint,
   * HTTP_PROXY (and NO_PROXY for loopback) so blob hosts resolve to this service.
   */
  runnerEnv(job: RunnerJob, token = this.createRuntimeToken(job)): Record<string, string> {
    const base = this.#http.baseUrl;
    return {
      ACTIONS_RESULTS_URL: this.url,
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RUNTIME_URL: `${base}/pipelines/`,
      ACTIONS_CACHE_URL: `${base}/`,
      ACTIONS_CACHE_SERVICE_V2: 'True',
      GITHUB_RETENTION_DAYS: String(this.#retentionDays),
      ...(this.proxyUrl ? { HTTP_PROXY: this.proxyUrl, NO_PROXY: '127.0.0.1,localhost' } : {}),
    };
  }

  inject(rule: ResultsFaultRule): void {
    this.#faults.add(rule);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Moves the service's clock: tokens, signed URLs, retention and cache eviction see the new time. */
  advanceClock(ms: number): void {
    this.clock.advance(ms);
  }

  artifacts(repository?: string): ArtifactRecord[] {
    return this.state.artifacts.filter((a) => repository === undefined || a.repository === repository);
  }

  cacheEntries(repository?: string): CacheEntryRecord[] {
    return this.state.cacheEntries.filter((e) => repository === undefined || e.repository === repository);
  }

  /** The stored bytes of a blob (an artifact's zip, a cache archive). */
  blobBytes(location: BlobLocation): Buffer | undefined {
    const blob = this.blobs.get(location);
    return blob ? Buffer.concat(this.blobs.read(blob, 0, blob.size - 1)) : undefined;
  }

  /** A signed URL for a stored blob, as the service would hand one out (for tests of the blob protocol). */
  signedUrl(location: BlobLocation, use: 'upload' | 'download', options: { expired?: boolean } = {}): string {
    return this.#signedUrl(location, use, options.expired ?? false);
  }

  async stop(): Promise<void> {
    await this.#server?.stop();
  }

  get #http(): ResultsHttpServer {
    if (!this.#server) throw new Error('the results service is not listening');
    return this.#server;
  }

  async #listen(): Promise<void> {
    const serviceOfContainer: Record<string, ResultsServiceName> = {
      [ARTIFACT_CONTAINER]: 'ArtifactService',
      [CACHE_CONTAINER]: 'CacheService',
    };
    const deps = {
      keys: tokenKeys(),
      state: this.state,
      blobs: this.blobs,
      ids: this.#ids,
      settings: { retentionDays: this.#retentionDays },
      nowMs: () => this.clock.nowMs(),
      signedUrl: (location: BlobLocation, use: 'upload' | 'download', expired: boolean, disposition?: string) =>
        this.#signedUrl(location, use, expired, disposition),
      violation: (violation: ResultsViolation) => this.#http.violations.push(violation),
    };
    this.#server = await ResultsHttpServer.start(
      {
        serviceOfContainer: (container) => serviceOfContainer[container],
        serviceOfTwirp: (service) =>
          service === 'github.actions.results.api.v1.ArtifactService'
            ? 'ArtifactService'
            : service === 'github.actions.results.api.v1.CacheService'
              ? 'CacheService'
              : undefined,
        twirp: (call, fault) => processTwirpCall(deps, call, fault),
        blobs: this.blobs,
        accountKey: this.#accountKey,
        accounts: [ARTIFACT_ACCOUNT, CACHE_ACCOUNT],
        nowMs: () => this.clock.nowMs(),
      },
      this.#faults,
    );
  }

  #signedUrl(
    location: BlobLocation,
    use: 'upload' | 'download',
    expired: boolean,
    contentDisposition?: string,
  ): string {
    const nowMs = this.clock.nowMs();
    const query = signBlobSas(this.#accountKey, location, {
      permissions: use === 'upload' ? ['c', 'w'] : ['r'],
      startsOnMs: expired ? nowMs - 2 * SIGNED_URL_LIFETIME_MS[use] : nowMs - SAS_START_SKEW_MS,
      expiresOnMs: expired ? nowMs - SIGNED_URL_LIFETIME_MS[use] : nowMs + SIGNED_URL_LIFETIME_MS[use],
      ...(contentDisposition ? { contentDisposition } : {}),
    });
    const path = [location.container, ...location.blob.split('/')].map(encodeURIComponent).join('/');
    const origin =
      this.#blobEndpoint === 'azure'
        ? `http://${location.account}.blob.core.windows.net`
        : `${this.#http.baseUrl}/${location.account}`;
    return `${origin}/${path}?${query.toString()}`;
  }
}

export function startResultsService(options: StartResultsServiceOptions = {}): Promise<ResultsService> {
  return ResultsService.start(options);
}

/** The scopes the runner grants: the job's own ref read-write, then the PR base and default branch read-only. */
export function defaultCacheScopes(job: Pick<RunnerJob, 'ref' | 'baseRef' | 'defaultBranch'>): CacheScopeGrant[] {
  const scopes: CacheScopeGrant[] = [{ scope: job.ref, permission: CachePermission.readWrite }];
  for (const ref of [job.baseRef ? `refs/heads/${job.baseRef}` : undefined, `refs/heads/${job.defaultBranch}`]) {
    if (ref && !scopes.some((s) => s.scope === ref)) scopes.push({ scope: ref, permission: CachePermission.read });
  }
  return scopes;
}

/** A UUID-shaped id derived from a name, so the same run and job get the same backend ids. */
function uuidOf(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
