export { startResultsService, ResultsService, defaultCacheScopes, SIGNED_URL_LIFETIME_MS } from './results-service.ts';
export type { StartResultsServiceOptions, RunnerJob, RuntimeTokenOptions } from './results-service.ts';
export type { ResultsFault, ResultsFaultRule } from './faults.ts';
export type { ResultsRequestLogEntry, ResultsViolation } from './request-log.ts';
export type { ResultsServiceName } from './message-types.ts';
export type { CacheScopeGrant } from './runtime-token.ts';
export { CachePermission } from './runtime-token.ts';
export type { BlobLocation } from './shared-access-signature.ts';
export type * from './state.ts';
