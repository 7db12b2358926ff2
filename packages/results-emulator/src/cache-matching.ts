// Which cache entry a restore gets, as GitHub documents it ("Cache key
// matching"): in the branch of the run first, an exact match of the key, then
// the newest entry whose key starts with it, then each restore key in order
// (exact, then newest prefix match); then the same steps in each further scope
// the token may read (the PR's base branch, the default branch). Only entries
// of the same version (paths and compression) match.

export interface CacheCandidate {
  key: string;
  version: string;
  scope: string;
  createdMs: number;
}

export interface CacheLookup {
  key: string;
  restoreKeys: readonly string[];
  version: string;
}

export function matchCacheEntry<T extends CacheCandidate>(
  entries: readonly T[],
  lookup: CacheLookup,
  readableScopes: readonly string[],
): T | undefined {
  for (const scope of readableScopes) {
    const inScope = entries.filter((e) => e.scope === scope && e.version === lookup.version);
    // The primary key is matched as a prefix too, before the restore keys are tried.
    for (const key of [lookup.key, ...lookup.restoreKeys]) {
      const exact = inScope.find((e) => e.key === key);
      if (exact) return exact;
      const prefixed = newest(inScope.filter((e) => e.key.startsWith(key)));
      if (prefixed) return prefixed;
    }
  }
  return undefined;
}

function newest<T extends CacheCandidate>(entries: T[]): T | undefined {
  return entries.reduce<T | undefined>(
    (best, e) => (best === undefined || e.createdMs > best.createdMs ? e : best),
    undefined,
  );
}
