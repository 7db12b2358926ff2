export { startEmulator, GitHubEmulator } from './emulator.ts';
export type {
  StartEmulatorOptions,
  RepoHandle,
  CreateRepoOptions,
  CreateTokenOptions,
  PullRequestHandle,
  WorkflowRunSeed,
} from './emulator.ts';
export type { Fault, FaultRule } from './faults.ts';
export type { RequestLogEntry, Violation } from './request-log.ts';
export type * from './state.ts';
