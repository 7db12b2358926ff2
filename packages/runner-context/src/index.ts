export {
  requireRepo,
  sourceCommit,
  pullRequestOfPayload,
  graphqlUrlFor,
  REPOSITORY_PATTERN,
} from './runner-context.ts';
export type { RunnerContext, RunnerRepo, PullRequestHead } from './runner-context.ts';
export { runnerContextFromEnv, parseRunnerEnv, readEventPayload, RunnerEnvSchema } from './read-runner-context.ts';
export type { RunnerEnv, RunnerContextOptions } from './read-runner-context.ts';
