// Test doubles for the train package: recorded GPU machines on a PATH.
export { installRecordedGpu, recordedGpuMachines, RECORDED_GPUS_DIR } from './recorded-gpu.ts';
export type { RecordedGpu } from './recorded-gpu.ts';
