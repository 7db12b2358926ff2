// The cache service's first version (ACTIONS_CACHE_URL + _apis/artifactcache),
// which @actions/cache still uses when ACTIONS_CACHE_SERVICE_V2 is unset or the
// server URL looks like GHES. github.com shut it down on 2025-04-15 and has
// answered 422 with this message since.
import type { Answer } from './answers.ts';

export const LEGACY_CACHE_PREFIX = '/_apis/artifactcache/';

export function legacyCacheAnswer(): Answer {
  const message =
    'This legacy service is shutting down, effective April 15, 2025. Migrate to the new service ASAP. For more information: https://gh.io/gha-cache-sunset';
  return {
    status: 422,
    headers: { 'content-type': 'application/json' },
    body: [
      Buffer.from(
        JSON.stringify({
          $id: '1',
          innerException: null,
          message,
          typeName: 'GitHub.Services.WebApi.VssServiceException',
          typeKey: 'VssServiceException',
          errorCode: 0,
          eventId: 3000,
        }),
      ),
    ],
  };
}
