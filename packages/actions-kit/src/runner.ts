// What an action's entry reads and builds once: the runner context from the
// step's environment, and the one GitHub client every adapter is handed.
import { appendFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { createGitHubClient, type GitHubClient } from '@mlship/github';
import { runnerContextFromEnv, type RunnerContext } from '@mlship/runner-context';

/** The runner context of this step; the only place an action reads GITHUB_* variables. */
export function readRunnerContext(): Promise<RunnerContext> {
  return runnerContextFromEnv(process.env, { cwd: process.cwd() });
}

/** The step's GitHub client: the runner's API URLs, the token input, rate-limit waits in the log. */
export function actionGitHubClient(context: RunnerContext, token: string): GitHubClient {
  return createGitHubClient({
    token,
    baseUrl: context.apiUrl,
    graphqlUrl: context.graphqlUrl,
    tokenSource: "the 'token' input",
    log: (line) => core.info(line),
  });
}

/** Appends to the step's job summary, when the runner gave it one. */
export async function appendSummary(context: RunnerContext, markdown: string): Promise<void> {
  if (context.stepSummaryPath) await appendFile(context.stepSummaryPath, markdown);
}
