// Training on the team's own runners: preflight, a guarded and observed run,
// checkpoints that survive preemption, lineage, and the report section.
export { runTraining } from './train.ts';
export type { TrainContext, TrainDeps, TrainResult, CheckpointState } from './train.ts';
export { TrainInputsSchema } from './train-inputs.ts';
export type { TrainInputs } from './train-inputs.ts';
export { trainingSection } from './training-section.ts';
export type { TrainingReport, TrainingOutcome } from './training-section.ts';
export { probeGpus, toolRunner } from './gpu/gpu-probe.ts';
export type { RunTool, ToolRun } from './gpu/gpu-probe.ts';
export type { GpuProbe, GpuReading } from './gpu/gpu-types.ts';
export { checkGpus, PreflightError } from './preflight.ts';
export { LocalCheckpointStore } from './checkpoint/local-checkpoint-store.ts';
export { CacheCheckpointStore } from './checkpoint/cache-checkpoint-store.ts';
export { CheckpointSaver } from './checkpoint/checkpoint-saver.ts';
export type { CheckpointStore } from './checkpoint/checkpoint-store.ts';
export { checkForkGuard, ForkRefusedError } from './fork-guard.ts';
export type { GuardFacts, GuardLookups, RunApproval } from './fork-guard.ts';
export { guardLookups } from './fork-guard-lookups.ts';
export { trainContextFromRunner, guardFactsFromRunner, checkpointBranch } from './train-context.ts';
export { saveCheckpointInPost } from './train-post.ts';
export { uploadTrainingArtifact } from './artifact-upload.ts';
