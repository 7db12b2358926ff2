// Rolling a released version out: the canary judge (pure), the rollout plan,
// the evidence contract with serving runtimes, the stateless controller and
// its adapters (GitHub Deployments and refs, HTTP and command serving).
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
export { RolloutEventSchema, isTerminal } from './rollout/rollout-event.ts';
export type { RolloutEvent, Phase } from './rollout/rollout-event.ts';
export type { RolloutLog } from './rollout/rollout-log.ts';
export type {
  Deployment,
  DeploymentsPort,
  DeploymentStatusInput,
  DeploymentState,
} from './rollout/deployments-port.ts';
export { transition, decidedByPerson } from './rollout/transition.ts';
export { statusFor, STATUS_DESCRIPTION_MAX } from './rollout/status-text.ts';
export { rolloutReport } from './rollout/rollout-report.ts';
export { runController } from './rollout/controller.ts';
export type { ControllerDeps, ControllerCommand, ControllerResult, ControllerAction } from './rollout/controller.ts';
export { gitHubDeployments, DEPLOYMENT_TASK } from './github/github-deployments.ts';
export { gitHubRolloutLog } from './github/github-rollout-log.ts';
export { ServingError } from './traffic/traffic-adapter.ts';
export type { TrafficAdapter, EvidenceQuery } from './traffic/traffic-adapter.ts';
export { httpTraffic, referenceServerTraffic, templatedUrl } from './traffic/http-traffic.ts';
export type { HttpTrafficOptions } from './traffic/http-traffic.ts';
export { commandTraffic } from './traffic/command-traffic.ts';
export type { CommandTrafficOptions } from './traffic/command-traffic.ts';
export {
  DeployInputsSchema,
  DeployActionInputsSchema,
  runDeploy,
  resolveCommand,
  DEFAULT_POLICY_FILE,
} from './deploy-entry.ts';
export type { DeployInputs, DeployRun, DeployRuntime } from './deploy-entry.ts';
