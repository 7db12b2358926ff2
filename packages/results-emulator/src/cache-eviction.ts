// Which committed cache entries a repository loses: every entry unused for 7
// days, then the least recently used until the rest fit in the size limit.

export interface EvictionCandidate {
  sizeBytes: number;
  lastAccessedMs: number;
  createdMs: number;
}

export function entriesToEvict<T extends EvictionCandidate>(
  entries: readonly T[],
  limitBytes: number,
  nowMs: number,
  unusedMs: number,
): T[] {
  const evicted = entries.filter((e) => nowMs - e.lastAccessedMs > unusedMs);
  const kept = entries
    .filter((e) => !evicted.includes(e))
    .sort((a, b) => a.lastAccessedMs - b.lastAccessedMs || a.createdMs - b.createdMs);
  let total = kept.reduce((sum, e) => sum + e.sizeBytes, 0);
  for (const entry of kept) {
    if (total <= limitBytes) break;
    evicted.push(entry);
    total -= entry.sizeBytes;
  }
  return evicted;
}
