// What the fork guard looks up, and only when a fork's head is involved: the
// run's deployment reviews through the job's GitHub client, and the commit
// checked out in the workspace.
import { execFile } from 'node:child_process';
import type { GitHubClient } from '@mlship/github';
import { UserError } from '@mlship/errors';
import type { GuardLookups, RunApproval } from './fork-guard.ts';

export function guardLookups(options: {
  client: GitHubClient;
  owner: string;
  repo: string;
  runId: string;
  workspace: string;
}): GuardLookups {
  return {
    async approvals(): Promise<RunApproval[]> {
      try {
        const { data } = await options.client.rest.actions.getReviewsForRun({
          owner: options.owner,
          repo: options.repo,
          run_id: Number(options.runId),
        });
        return data.map((review) => ({
          state: review.state,
          environments: review.environments.map((e) => e.name ?? ''),
          user: review.user.login,
        }));
      } catch (error) {
        const status = (error as { status?: number }).status;
        const fix =
          status === 403 || status === 404
            ? "give the job 'permissions: actions: read' so the train step can see who approved the run"
            : 'retry the job';
        throw new UserError(
          `cannot read this run's approvals (GET /repos/${options.owner}/${options.repo}/actions/runs/${options.runId}/approvals${status ? ` answered ${status}` : ` failed: ${(error as Error).message}`}); ${fix}`,
          { cause: error },
        );
      }
    },
    workspaceHead: () =>
      new Promise((resolve) => {
        execFile('git', ['rev-parse', 'HEAD'], { cwd: options.workspace }, (error, stdout) =>
          resolve(error ? undefined : stdout.trim()),
        );
      }),
  };
}
