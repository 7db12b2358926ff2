// The cache service's limits, the same @actions/cache checks before it sends
// (cache.ts checkKey/restoreCache): keys of at most 512 characters without
// commas, at most 10 keys per lookup (the key and 9 restore keys); entries
// unused for 7 days are evicted, and a repository keeps at most its cache size
// limit (10 GB unless the token's `acsl` claim says otherwise).

export const MAX_KEY_LENGTH = 512;
export const MAX_LOOKUP_KEYS = 10;
export const UNUSED_EVICTION_MS = 7 * 24 * 3600 * 1000;
export const GB = 1024 ** 3;

export function cacheKeyProblem(key: string): string | undefined {
  if (!key) return 'key is required';
  if (key.length > MAX_KEY_LENGTH) return `key is ${key.length} characters, longer than ${MAX_KEY_LENGTH}`;
  if (key.includes(',')) return `key ${JSON.stringify(key)} contains a comma`;
  return undefined;
}

/** @actions/cache sends sha256(paths | compression | salt) in hex. */
export function cacheVersionProblem(version: string): string | undefined {
  if (!version) return 'version is required';
  return /^[0-9a-f]{64}$/.test(version) ? undefined : `version ${JSON.stringify(version)} is not a sha256 hex digest`;
}
