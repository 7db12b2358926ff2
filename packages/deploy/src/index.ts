// Rolling a released version out: the canary judge (pure), the rollout plan,
// and the evidence contract with serving runtimes.
export { alwaysValidBounds, mixtureCrossing } from './judge/always-valid.ts';
export type { Estimate, ConfidenceBounds } from './judge/always-valid.ts';
export { MomentsSchema, EMPTY_MOMENTS, addValue, mergeMoments, mean, sampleVariance } from './judge/moments.ts';
export type { Moments } from './judge/moments.ts';
export { requestMetricValue, foldLabelledRequest, emptyLabelledSums } from './judge/request-metrics.ts';
export type { Prediction, Truth, PairedMoments, LabelledSums } from './judge/request-metrics.ts';
export { judgeLabelledGates, describeGate } from './judge/labelled-gates.ts';
export type { LabelledGateResult, GateVerdict } from './judge/labelled-gates.ts';
export { judgeGuardrails, histogramQuantile } from './judge/guardrails.ts';
export type { GuardrailResult, GuardrailName } from './judge/guardrails.ts';
export { judge } from './judge/judge.ts';
export type { Judgement, JudgeInput, Outcome, StepProgress } from './judge/judge.ts';
export {
  RolloutPlanSchema,
  JudgeSettingsSchema,
  CanaryGateSchema,
  planRollout,
  canaryGates,
  parseStepWeights,
} from './plan.ts';
export type { RolloutPlan, JudgeSettings, CanaryGate, GuardrailSettings, Step } from './plan.ts';
export {
  EvidenceSchema,
  TrafficRequestSchema,
  TrafficStateSchema,
  LatencyHistogramSchema,
  ArmEvidenceSchema,
  EVIDENCE_SCHEMA_VERSION,
} from './evidence.ts';
export type { Evidence, TrafficRequest, TrafficState, LatencyHistogram, ArmEvidence } from './evidence.ts';
