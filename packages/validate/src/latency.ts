// Latency per batch size on this runner: both models on the same rows,
// after a warm-up, interleaved so neither model gets a quieter machine.
import type { LatencyRow } from '@mlship/eval';
import type { LoadedModel } from '@mlship/onnx';
import type { Holdout } from './holdout.ts';
import type { InputFeed } from './input-mapping.ts';
import { buildFeeds } from './feature-tensors.ts';

const WARMUP_RUNS = 3;

export async function measureLatency(
  models: { role: 'baseline' | 'candidate'; model: LoadedModel; feeds: InputFeed[] }[],
  holdout: Holdout,
  batchSizes: number[],
  repeats: number,
  now: () => number,
): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  const first = holdout.batches[0]!;
  for (const size of batchSizes) {
    const n = Math.min(size, first.rowCount);
    const slice = { rowCount: n, features: new Map([...first.features].map(([k, v]) => [k, v.subarray(0, n)])) };
    const cache = new Map();
    const tensors = models.map((m) => buildFeeds(slice, m.feeds, cache));
    const times = models.map(() => new Float64Array(repeats));
    for (let r = -WARMUP_RUNS; r < repeats; r++) {
      for (const [k, m] of models.entries()) {
        const start = now();
        await m.model.run(tensors[k]!);
        if (r >= 0) times[k]![r] = now() - start;
      }
    }
    for (const [k, m] of models.entries()) {
      const sorted = times[k]!.sort();
      const mean = sorted.reduce((a, b) => a + b, 0) / repeats;
      rows.push({
        model: m.role,
        batchSize: n,
        p50Ms: pct(sorted, 0.5),
        p95Ms: pct(sorted, 0.95),
        p99Ms: pct(sorted, 0.99),
        rowsPerSecond: mean > 0 ? (n * 1000) / mean : Infinity,
      });
    }
    if (n < size) break;
  }
  return rows;
}

/** Nearest-rank percentile. */
function pct(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
