// The task's metrics that have no comparison on a set of rows, each with the
// reason, so a report and a gate can say why instead of dropping the metric.
import { metricsOf } from './metric-names.ts';
import type { ClassificationMetric } from './metric-names.ts';
import type { MetricComparison } from './bootstrap.ts';
import type { UncomputedMetric } from './gates.ts';
import type { PairedData } from './paired-data.ts';

const PROBABILITY_METRICS = new Set<ClassificationMetric>(['roc_auc', 'pr_auc', 'log_loss', 'ece']);
const RANKING_METRICS = new Set<ClassificationMetric>(['roc_auc', 'pr_auc']);

export function uncomputedMetrics(data: PairedData, comparisons: readonly MetricComparison[]): UncomputedMetric[] {
  const computed = new Set(comparisons.map((c) => c.metric));
  return metricsOf(data.task)
    .filter((metric) => !computed.has(metric))
    .map((metric) => ({ metric, reason: reasonFor(data, metric) }));
}

function reasonFor(data: PairedData, metric: string): string {
  if (data.truth.length === 0) return 'no rows';
  if (data.task === 'regression') return 'not a finite number on these rows';
  const m = metric as ClassificationMetric;
  if (PROBABILITY_METRICS.has(m)) {
    const without = (['baseline', 'candidate'] as const).filter((side) => !data[side].probabilities);
    if (without.length === 2) return 'neither model outputs probabilities';
    if (without.length === 1) return `the ${without[0]} outputs no probabilities`;
  }
  if (RANKING_METRICS.has(m)) {
    const first = data.truth[0]!;
    if (data.truth.every((t) => t === first))
      return `every label is '${data.classes[first] ?? first}': a ranking needs two classes`;
  }
  return 'not a finite number on these rows';
}
