// How far apart two runs of the same short training are: the digests of the
// files they wrote (model, checkpoint), their final metrics, and the largest
// gap between their metric curves at the same step. Pure.
import type { SeriesPoint } from './metrics-log.ts';

export interface RunFingerprint {
  finalMetrics: Record<string, number>;
  series: Record<string, readonly SeriesPoint[]>;
  /** Files the run wrote, by path relative to where they were written, with their sha256. */
  files: ReadonlyArray<{ path: string; sha256: string }>;
}

export interface FileComparison {
  path: string;
  first: string | undefined;
  second: string | undefined;
  same: boolean;
}

export interface MetricComparison {
  name: string;
  first: number | undefined;
  second: number | undefined;
  absoluteDifference: number | undefined;
  /** The difference over the larger magnitude; undefined when both are 0 or one is missing. */
  relativeDifference: number | undefined;
}

export interface ReproducibilityReport {
  verdict: 'identical' | 'same-metrics' | 'different';
  files: FileComparison[];
  metrics: MetricComparison[];
  /** The largest gap between the curves at a step both runs reported. */
  largestCurveGap: { name: string; step: number; absoluteDifference: number } | undefined;
}

export function compareRuns(first: RunFingerprint, second: RunFingerprint): ReproducibilityReport {
  const paths = [...new Set([...first.files.map((f) => f.path), ...second.files.map((f) => f.path)])].sort();
  const files = paths.map((path) => {
    const a = first.files.find((f) => f.path === path)?.sha256;
    const b = second.files.find((f) => f.path === path)?.sha256;
    return { path, first: a, second: b, same: a !== undefined && a === b };
  });
  const names = [...new Set([...Object.keys(first.finalMetrics), ...Object.keys(second.finalMetrics)])];
  const metrics = names.map((name) => {
    const a = first.finalMetrics[name];
    const b = second.finalMetrics[name];
    const absolute = a === undefined || b === undefined ? undefined : Math.abs(a - b);
    const scale = Math.max(Math.abs(a ?? 0), Math.abs(b ?? 0));
    return {
      name,
      first: a,
      second: b,
      absoluteDifference: absolute,
      relativeDifference: absolute === undefined || scale === 0 ? undefined : absolute / scale,
    };
  });
  let largestCurveGap: ReproducibilityReport['largestCurveGap'];
  for (const [name, series] of Object.entries(first.series)) {
    const other = new Map((second.series[name] ?? []).map((p) => [p.step, p.value]));
    for (const point of series) {
      const value = other.get(point.step);
      if (value === undefined) continue;
      const gap = Math.abs(point.value - value);
      if (gap > (largestCurveGap?.absoluteDifference ?? 0))
        largestCurveGap = { name, step: point.step, absoluteDifference: gap };
    }
  }
  const sameMetrics = metrics.every((m) => m.absoluteDifference === 0) && largestCurveGap === undefined;
  const sameFiles = files.length > 0 && files.every((f) => f.same);
  return {
    verdict: sameFiles && sameMetrics ? 'identical' : sameMetrics ? 'same-metrics' : 'different',
    files,
    metrics,
    largestCurveGap,
  };
}
