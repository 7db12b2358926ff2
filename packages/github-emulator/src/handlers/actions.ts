// Workflow runs, as far as a job asks about its own run: the deployment
// reviews of its environments (GET .../actions/runs/{id}/approvals, what the
// train step reads to see that a maintainer approved a fork's training) and
// the jobs of an attempt with their runners and labels. Runs are not
// executed: tests seed them with recordWorkflowRun.
import { intParam, notFound, type RepoContext, type RepoHandler } from '../handler.ts';
import { paginate } from '../pagination.ts';
import { userJson } from '../representations.ts';
import { nodeId } from '../ids.ts';
import type { WorkflowRunRecord } from '../state.ts';

function findRun(ctx: RepoContext): WorkflowRunRecord {
  const run = ctx.repo.workflowRuns.get(intParam(ctx, 'run_id'));
  if (!run) throw notFound(ctx);
  return run;
}

export const actionsHandlers: Record<string, RepoHandler> = {
  'actions/get-reviews-for-run': (ctx) => {
    const run = findRun(ctx);
    const api = ctx.core.urls.apiUrl;
    const server = ctx.core.urls.serverUrl;
    const body = run.approvals.map((approval) => ({
      state: approval.state,
      comment: approval.comment,
      user: userJson(ctx.core, approval.user),
      environments: [
        {
          id: approval.environment.id,
          node_id: nodeId('EN', ctx.repo.id, approval.environment.id),
          name: approval.environment.name,
          url: `${api}/repos/${ctx.repo.fullName}/environments/${encodeURIComponent(approval.environment.name)}`,
          html_url: `${server}/${ctx.repo.fullName}/deployments/activity_log?environments_filter=${encodeURIComponent(approval.environment.name)}`,
          created_at: approval.at,
          updated_at: approval.at,
        },
      ],
    }));
    return { status: 200, body };
  },
  'actions/list-jobs-for-workflow-run-attempt': (ctx) => {
    const run = findRun(ctx);
    const attempt = intParam(ctx, 'attempt_number');
    const api = ctx.core.urls.apiUrl;
    const server = ctx.core.urls.serverUrl;
    const jobs = run.jobs
      .filter((job) => job.attempt === attempt)
      .map((job) => ({
        id: job.id,
        run_id: run.id,
        run_url: `${api}/repos/${ctx.repo.fullName}/actions/runs/${run.id}`,
        run_attempt: job.attempt,
        node_id: nodeId('CR', ctx.repo.id, job.id),
        head_sha: job.headSha,
        url: `${api}/repos/${ctx.repo.fullName}/actions/jobs/${job.id}`,
        html_url: `${server}/${ctx.repo.fullName}/actions/runs/${run.id}/job/${job.id}`,
        status: 'in_progress',
        conclusion: null,
        created_at: job.startedAt,
        started_at: job.startedAt,
        completed_at: null,
        name: job.name,
        steps: [],
        check_run_url: `${api}/repos/${ctx.repo.fullName}/check-runs/${job.id}`,
        labels: job.labels,
        runner_id: 1,
        runner_name: job.runnerName,
        runner_group_id: 1,
        runner_group_name: 'Default',
        workflow_name: run.workflowName,
        head_branch: job.headBranch,
      }));
    const page = paginate(ctx, jobs);
    return { status: 200, body: { total_count: jobs.length, jobs: page.items }, headers: page.headers };
  },
};
