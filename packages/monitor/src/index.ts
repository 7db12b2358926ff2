// Production monitoring: a window of served rows against the prod version's
// reference, label-free performance estimation, triggers from a policy file,
// and one tracking issue per model.
export { estimatePerformance, expectedRocAuc } from './performance-estimate.ts';
export type { PerformanceEstimate } from './performance-estimate.ts';
export {
  reliabilityBins,
  expectedCalibrationError,
  checkCalibration,
  CalibrationSummarySchema,
} from './calibration.ts';
export type { CalibrationSummary, CalibrationCheck, CalibrationStatus, ReliabilityBin } from './calibration.ts';
export {
  MonitorPolicySchema,
  MONITORED_METRICS,
  parseMonitorPolicy,
  readMonitorPolicy,
  probabilityColumns,
} from './monitor-policy.ts';
export type { MonitorPolicy, MonitoredMetric } from './monitor-policy.ts';
export { judgeWindow } from './monitor-verdict.ts';
export type {
  MonitorEvidence,
  MonitorVerdict,
  MonitorStatus,
  Trigger,
  TriggerKind,
  QualityRow,
  RealisedMetrics,
} from './monitor-verdict.ts';
export { monitorSection } from './monitor-section.ts';
export type { MonitorSummary } from './monitor-section.ts';
export { readWindow } from './window-data.ts';
export type { WindowData } from './window-data.ts';
export { monitorWindow } from './monitor-window.ts';
export type { MonitorRequest, MonitorOutcome } from './monitor-window.ts';
export { calibrateHoldout } from './calibrate-holdout.ts';
export * from './tracking.ts';
export { runMonitor, MonitorInputsSchema } from './monitor-command.ts';
export type { MonitorInputs, MonitorDeps, MonitorResult } from './monitor-command.ts';
export * from './retrain.ts';
