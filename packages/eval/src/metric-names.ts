// The metrics mlship computes, by task, with the direction that counts as
// better: gates and deltas read this table, so a policy naming anything else
// fails at parse time with the list of valid names.

export const CLASSIFICATION_METRICS = [
  'accuracy',
  'macro_precision',
  'macro_recall',
  'macro_f1',
  'roc_auc',
  'pr_auc',
  'log_loss',
  'ece',
] as const;
export const REGRESSION_METRICS = ['mae', 'rmse', 'r2', 'mape'] as const;

export type ClassificationMetric = (typeof CLASSIFICATION_METRICS)[number];
export type RegressionMetric = (typeof REGRESSION_METRICS)[number];
export type MetricName = ClassificationMetric | RegressionMetric;
export type Task = 'classification' | 'regression';

const LOWER_IS_BETTER = new Set<MetricName>(['log_loss', 'ece', 'mae', 'rmse', 'mape']);

export function higherIsBetter(metric: MetricName): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

export function metricsOf(task: Task): readonly MetricName[] {
  return task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
}

export function isMetricName(name: string): name is MetricName {
  return (
    (CLASSIFICATION_METRICS as readonly string[]).includes(name) ||
    (REGRESSION_METRICS as readonly string[]).includes(name)
  );
}

export const METRIC_LABELS: Record<MetricName, string> = {
  accuracy: 'Accuracy',
  macro_precision: 'Precision (macro)',
  macro_recall: 'Recall (macro)',
  macro_f1: 'F1 (macro)',
  roc_auc: 'ROC AUC',
  pr_auc: 'PR AUC',
  log_loss: 'Log loss',
  ece: 'Calibration error (ECE)',
  mae: 'MAE',
  rmse: 'RMSE',
  r2: 'R²',
  mape: 'MAPE',
};
