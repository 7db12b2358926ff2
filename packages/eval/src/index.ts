// Model evaluation, pure: metrics, paired statistics, gates, the policy file,
// the PR section and the model card. ONNX Runtime and files stay outside.
export {
  CLASSIFICATION_METRICS,
  REGRESSION_METRICS,
  METRIC_LABELS,
  higherIsBetter,
  isMetricName,
  metricsOf,
} from './metric-names.ts';
export type { ClassificationMetric, RegressionMetric, MetricName, Task } from './metric-names.ts';
export {
  classificationMetrics,
  prepareClassifier,
  preparedMetrics,
  confusionMetrics,
  LOG_LOSS_EPSILON,
  CALIBRATION_BINS,
} from './classification-metrics.ts';
export type { ClassifierOutputs, ClassificationMetrics, PreparedClassifier } from './classification-metrics.ts';
export { regressionMetrics } from './regression-metrics.ts';
export { rankingMetrics, scoreOrder, positivesInOrder } from './ranking-metrics.ts';
export type { ScoreOrder } from './ranking-metrics.ts';
export { pairedMetrics, subsetPaired, buildPairedCache, rowCount } from './paired-data.ts';
export type { PairedData, PairedClassification, PairedRegression, PairedMetrics, MetricValues } from './paired-data.ts';
export { pairedBootstrap, quantile, DEFAULT_BOOTSTRAP } from './bootstrap.ts';
export type { BootstrapOptions, BootstrapResult, MetricComparison } from './bootstrap.ts';
export { mcnemarTest, discordantPairs, MCNEMAR_EXACT_BELOW } from './mcnemar.ts';
export type { McNemarResult } from './mcnemar.ts';
export { rejectedHypotheses } from './multiple-testing.ts';
export type { MultipleTestingMethod } from './multiple-testing.ts';
export { sliceRows } from './slices.ts';
export type { Slice, SliceSpec, SliceColumn } from './slices.ts';
export { evaluateMetricGates, evaluateBudgets, overallVerdict, rowsToDecide } from './gates.ts';
export type { GateOutcome, Verdict, ScopeComparisons, BudgetInputs, UncomputedMetric } from './gates.ts';
export { uncomputedMetrics } from './uncomputed-metrics.ts';
export { outputSanity, robustnessOutcome, fairnessOutcome } from './sanity.ts';
export type { OutputSanityInputs } from './sanity.ts';
export { diffSignatures } from './signature-diff.ts';
export type { SignatureChange, SignatureLike, TensorSpec } from './signature-diff.ts';
export { PolicySchema, parsePolicy, readPolicy, defaultPolicy } from './policy.ts';
export { CanaryPolicySchema, PER_REQUEST_METRICS, isPerRequestMetric } from './canary-policy.ts';
export type { CanaryPolicy, PerRequestMetric } from './canary-policy.ts';
export type { Policy, Gate } from './policy.ts';
export { evaluatePaired, bootstrapOptions, summariseComparison } from './evaluate.ts';
export type { PairedEvaluation, SliceEvaluation } from './evaluate.ts';
export { orderGates } from './result.ts';
export type { ValidationResult, MetricRow, LatencyRow, ModelInfo } from './result.ts';
export { validationSection, metricTable } from './pr-section.ts';
export { buildModelCard } from './model-card.ts';
export type { ModelCard, ModelCardJson } from './model-card.ts';
export { seededRandom } from './random.ts';
export { normalQuantile } from './normal.ts';
