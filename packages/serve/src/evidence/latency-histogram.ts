// Latencies on fixed bucket bounds (Prometheus' `le`), shared by the evidence
// and /metrics, so hours, replicas and the two views add up. Steps of 1, 1.5,
// 2, 3, 5, 7.5 per decade keep p99 within half a step of the truth.
import type { LatencyHistogram } from '@mlship/deploy';

export const LATENCY_BOUNDS_MS: readonly number[] = [
  0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000,
  1500, 2000, 3000, 5000, 10000,
];

/** The bucket a latency falls in: the first bound at or above it, or the open last bucket. */
export function latencyBucket(ms: number): number {
  let lo = 0;
  let hi = LATENCY_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (LATENCY_BOUNDS_MS[mid]! >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function emptyCounts(): number[] {
  return new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
}

export function toHistogram(counts: readonly number[]): LatencyHistogram {
  return { boundsMs: [...LATENCY_BOUNDS_MS], counts: [...counts] };
}
