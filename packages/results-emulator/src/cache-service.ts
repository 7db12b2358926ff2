// github.actions.results.api.v1.CacheService: a repository's cache, keyed by
// key, version and scope (the git ref that wrote it). Keys are immutable: a
// second reservation of the same key, version and scope, committed or still
// uploading, is refused with the 409 the service gives in real runs ("cache
// entry with the same key, version, and scope already exists"); a token with no
// writable scope gets ok=false and "cache write denied: token has no writable
// scopes", as the service answers read-only tokens.
import { createHash } from 'node:crypto';
import type {
  CreateCacheEntryRequest,
  CreateCacheEntryResponse,
  FinalizeCacheEntryUploadRequest,
  FinalizeCacheEntryUploadResponse,
  GetCacheEntryDownloadURLRequest,
  GetCacheEntryDownloadURLResponse,
} from '../node_modules/@actions/cache/lib/generated/results/api/v1/cache.js';
import { entriesToEvict } from './cache-eviction.ts';
import { matchCacheEntry } from './cache-matching.ts';
import { GB, MAX_LOOKUP_KEYS, UNUSED_EVICTION_MS, cacheKeyProblem, cacheVersionProblem } from './cache-rules.ts';
import { CachePermission } from './runtime-token.ts';
import type { CacheEntryRecord } from './state.ts';
import { TwirpError } from './twirp.ts';
import type { TwirpContext, TwirpHandler } from './twirp-context.ts';

export const CACHE_CONTAINER = 'actions-cache';
export const CACHE_ACCOUNT = 'productionresultssa1';

const createCacheEntry: TwirpHandler<CreateCacheEntryRequest, CreateCacheEntryResponse> = (ctx, request) => {
  checkKeys(ctx, 'CreateCacheEntry', [request.key], request.version);
  const scope = ctx.identity.cacheScopes.find((s) => (s.permission & CachePermission.write) !== 0)?.scope;
  if (scope === undefined) return { ok: false, message: 'cache write denied: token has no writable scopes' };
  const taken = repositoryEntries(ctx).some(
    (e) => e.key === request.key && e.version === request.version && e.scope === scope,
  );
  if (taken) throw new TwirpError('already_exists', 'cache entry with the same key, version, and scope already exists');
  const name = createHash('sha256')
    .update([ctx.run.repository, scope, request.key, request.version].join('\n'))
    .digest('hex');
  const entry: CacheEntryRecord = {
    key: request.key,
    version: request.version,
    scope,
    repository: ctx.run.repository,
    jobBackendId: ctx.identity.jobBackendId,
    id: undefined,
    state: 'reserved',
    blob: { account: CACHE_ACCOUNT, container: CACHE_CONTAINER, blob: name },
    sizeBytes: 0,
    createdMs: ctx.nowMs,
    lastAccessedMs: ctx.nowMs,
  };
  ctx.state.cacheEntries.push(entry);
  return { ok: true, signedUploadUrl: ctx.signedUrl(entry.blob, 'upload') };
};

const finalizeCacheEntryUpload: TwirpHandler<FinalizeCacheEntryUploadRequest, FinalizeCacheEntryUploadResponse> = (
  ctx,
  request,
) => {
  checkKeys(ctx, 'FinalizeCacheEntryUpload', [request.key], request.version);
  const entry = repositoryEntries(ctx).find(
    (e) =>
      e.state === 'reserved' &&
      e.key === request.key &&
      e.version === request.version &&
      e.jobBackendId === ctx.identity.jobBackendId,
  );
  if (!entry) throw new TwirpError('not_found', 'cache entry not found');
  const blob = ctx.blobs.get(entry.blob);
  if (!blob) throw new TwirpError('not_found', 'no cache archive was uploaded for this entry');
  if (request.sizeBytes !== String(blob.size))
    throw new TwirpError(
      'invalid_argument',
      `size_bytes ${request.sizeBytes} does not match the ${blob.size} bytes uploaded`,
    );
  const limitBytes = ctx.identity.cacheLimitGb * GB;
  if (blob.size > limitBytes) {
    ctx.state.cacheEntries.splice(ctx.state.cacheEntries.indexOf(entry), 1);
    ctx.blobs.delete(entry.blob);
    return {
      ok: false,
      message: `cache entry of ${blob.size} bytes is larger than the repository's cache size limit of ${ctx.identity.cacheLimitGb} GB`,
    };
  }
  entry.state = 'committed';
  entry.sizeBytes = blob.size;
  entry.createdMs = ctx.nowMs;
  entry.lastAccessedMs = ctx.nowMs;
  entry.id = ctx.ids.next('cacheEntry');
  evict(ctx, limitBytes);
  return { ok: true, entryId: entry.id };
};

const getCacheEntryDownloadURL: TwirpHandler<GetCacheEntryDownloadURLRequest, GetCacheEntryDownloadURLResponse> = (
  ctx,
  request,
) => {
  const keys = [request.key, ...request.restoreKeys];
  if (keys.length > MAX_LOOKUP_KEYS) {
    ctx.violation(`GetCacheEntryDownloadURL: ${keys.length} keys, more than ${MAX_LOOKUP_KEYS}`);
    throw new TwirpError('invalid_argument', `at most ${MAX_LOOKUP_KEYS} keys may be looked up at once`);
  }
  checkKeys(ctx, 'GetCacheEntryDownloadURL', keys, request.version);
  evict(ctx, ctx.identity.cacheLimitGb * GB);
  if (ctx.fault && 'cacheMiss' in ctx.fault) return { ok: false };
  const readable = ctx.identity.cacheScopes
    .filter((s) => (s.permission & CachePermission.read) !== 0)
    .map((s) => s.scope);
  const committed = repositoryEntries(ctx).filter((e) => e.state === 'committed');
  const entry = matchCacheEntry(committed, request, readable);
  if (!entry) return { ok: false };
  entry.lastAccessedMs = ctx.nowMs;
  return { ok: true, signedDownloadUrl: ctx.signedUrl(entry.blob, 'download'), matchedKey: entry.key };
};

export const cacheHandlers: Record<string, TwirpHandler<never, unknown>> = {
  CreateCacheEntry: createCacheEntry,
  FinalizeCacheEntryUpload: finalizeCacheEntryUpload,
  GetCacheEntryDownloadURL: getCacheEntryDownloadURL,
};

function repositoryEntries(ctx: TwirpContext): CacheEntryRecord[] {
  return ctx.state.cacheEntries.filter((e) => e.repository === ctx.run.repository);
}

/** The client refuses bad keys before sending: one reaching the service is a client bug. */
function checkKeys(ctx: TwirpContext, method: string, keys: string[], version: string): void {
  for (const problem of [...keys.map(cacheKeyProblem), cacheVersionProblem(version)]) {
    if (problem === undefined) continue;
    ctx.violation(`${method}: ${problem}`);
    throw new TwirpError('invalid_argument', problem);
  }
}

function evict(ctx: TwirpContext, limitBytes: number): void {
  const committed = repositoryEntries(ctx).filter((e) => e.state === 'committed');
  for (const entry of entriesToEvict(committed, limitBytes, ctx.nowMs, UNUSED_EVICTION_MS)) {
    ctx.state.cacheEntries.splice(ctx.state.cacheEntries.indexOf(entry), 1);
    ctx.blobs.delete(entry.blob);
  }
}
