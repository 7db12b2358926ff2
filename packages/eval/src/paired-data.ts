// Both models' outputs on the same holdout rows: the unit every paired
// statistic (bootstrap, McNemar, slices) works on.
import { prepareClassifier, preparedMetrics, subsetPrepared } from './classification-metrics.ts';
import type { ClassifierOutputs, ClassificationMetrics, PreparedClassifier } from './classification-metrics.ts';
import { regressionMetrics } from './regression-metrics.ts';
import type { MetricName } from './metric-names.ts';

export interface PairedClassification {
  task: 'classification';
  classes: string[];
  /** True class index per row. */
  truth: Int32Array;
  baseline: ClassifierOutputs;
  candidate: ClassifierOutputs;
}

export interface PairedRegression {
  task: 'regression';
  truth: Float64Array;
  baseline: Float64Array;
  candidate: Float64Array;
}

export type PairedData = PairedClassification | PairedRegression;

export type MetricValues = Partial<Record<MetricName, number>>;

export interface PairedMetrics {
  baseline: MetricValues;
  candidate: MetricValues;
  /** Classification only: confusion matrices and per-class scores. */
  baselineDetail?: ClassificationMetrics;
  candidateDetail?: ClassificationMetrics;
}

export function rowCount(data: PairedData): number {
  return data.truth.length;
}

/** The same rows of every array, copied compactly so weighted passes stay sequential. */
export function subsetPaired(data: PairedData, rows: Int32Array): PairedData {
  if (data.task === 'regression') {
    return {
      task: 'regression',
      truth: pick(data.truth, rows),
      baseline: pick(data.baseline, rows),
      candidate: pick(data.candidate, rows),
    };
  }
  const c = data.classes.length;
  const outputs = (o: ClassifierOutputs): ClassifierOutputs => {
    const out: ClassifierOutputs = { predicted: pick(o.predicted, rows) };
    if (o.probabilities) {
      const p = new (o.probabilities.constructor as Float64ArrayConstructor)(rows.length * c);
      const src = o.probabilities;
      for (let k = 0; k < rows.length; k++) {
        const from = rows[k]! * c;
        for (let j = 0; j < c; j++) p[k * c + j] = src[from + j]!;
      }
      out.probabilities = p;
    }
    return out;
  };
  return {
    task: 'classification',
    classes: data.classes,
    truth: pick(data.truth, rows),
    baseline: outputs(data.baseline),
    candidate: outputs(data.candidate),
  };
}

function pick<T extends Int32Array | Float64Array>(values: T, rows: Int32Array): T {
  const out = new (values.constructor as { new (n: number): T })(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}

/** Per-row work (sorting, logs) done once per data set, reused by every weighted evaluation of it. */
export interface PairedCache {
  baseline?: PreparedClassifier;
  candidate?: PreparedClassifier;
}

export function buildPairedCache(data: PairedData): PairedCache {
  if (data.task === 'regression') return {};
  const c = data.classes.length;
  return {
    baseline: prepareClassifier(data.truth, data.baseline, c),
    candidate: prepareClassifier(data.truth, data.candidate, c),
  };
}

/** The cache of a subset of rows, derived from the whole set's without sorting again. */
export function subsetCache(cache: PairedCache, rows: Int32Array): PairedCache {
  const out: PairedCache = {};
  if (cache.baseline) out.baseline = subsetPrepared(cache.baseline, rows);
  if (cache.candidate) out.candidate = subsetPrepared(cache.candidate, rows);
  return out;
}

/** Every metric of both models on the rows, weighted when weights are given. */
export function pairedMetrics(
  data: PairedData,
  weights?: ArrayLike<number>,
  cache: PairedCache = buildPairedCache(data),
): PairedMetrics {
  if (data.task === 'regression') {
    return {
      baseline: regressionMetrics(data.truth, data.baseline, weights),
      candidate: regressionMetrics(data.truth, data.candidate, weights),
    };
  }
  const base = preparedMetrics(cache.baseline!, weights);
  const cand = preparedMetrics(cache.candidate!, weights);
  return { baseline: base.values, candidate: cand.values, baselineDetail: base, candidateDetail: cand };
}
