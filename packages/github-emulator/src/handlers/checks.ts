// Check runs, commit statuses and deployments.
import {
  GitHubHttpError,
  bodyOf,
  intParam,
  notFound,
  unprocessable,
  validationFailed,
  type RepoContext,
  type RepoHandler,
} from '../handler.ts';
import {
  checkRunJson,
  combinedStatusJson,
  deploymentJson,
  deploymentStatusJson,
  statusJson,
} from '../representations-git.ts';
import { paginate } from '../pagination.ts';
import { assertMaxChars, CHECK_OUTPUT_MAX_CHARS } from '../body-limits.ts';
import type { CheckRunRecord, CommitStatusRecord, DeploymentRecord, DeploymentStatusRecord } from '../state.ts';

function applyCheckRunFields(ctx: RepoContext, run: CheckRunRecord, body: Record<string, unknown>): void {
  const output = body['output'] as
    { title?: string; summary?: string; text?: string; annotations?: unknown[] } | undefined;
  // Checked before anything changes: a refused update leaves the run as it was.
  assertMaxChars(ctx, 'CheckRun', 'output.summary', output?.summary, CHECK_OUTPUT_MAX_CHARS);
  assertMaxChars(ctx, 'CheckRun', 'output.text', output?.text, CHECK_OUTPUT_MAX_CHARS);
  if (typeof body['name'] === 'string') run.name = body['name'];
  if (typeof body['details_url'] === 'string') run.detailsUrl = body['details_url'];
  if (typeof body['external_id'] === 'string') run.externalId = body['external_id'];
  if (typeof body['started_at'] === 'string') run.startedAt = body['started_at'];
  if (typeof body['status'] === 'string') run.status = body['status'] as CheckRunRecord['status'];
  if (typeof body['conclusion'] === 'string') {
    // Giving a conclusion completes the run, as on GitHub.
    run.conclusion = body['conclusion'];
    run.status = 'completed';
  }
  if (typeof body['completed_at'] === 'string') run.completedAt = body['completed_at'];
  if (run.status === 'completed') {
    run.completedAt ??= ctx.core.now();
    if (run.conclusion === null)
      throw validationFailed(ctx, [{ resource: 'CheckRun', code: 'missing_field', field: 'conclusion' }]);
  }
  if (output) {
    run.output = {
      title: output.title ?? run.output.title,
      summary: output.summary ?? run.output.summary,
      text: output.text ?? run.output.text,
      // Annotations accumulate across updates (GitHub takes 50 per request).
      annotations: [...run.output.annotations, ...(output.annotations ?? [])],
    };
  }
}

function findCheckRun(ctx: RepoContext): CheckRunRecord {
  const id = intParam(ctx, 'check_run_id');
  const run = ctx.repo.checkRuns.find((r) => r.id === id);
  if (!run) throw notFound(ctx);
  return run;
}

function findDeployment(ctx: RepoContext): DeploymentRecord {
  const id = intParam(ctx, 'deployment_id');
  const deployment = ctx.repo.deployments.find((d) => d.id === id);
  if (!deployment) throw notFound(ctx);
  return deployment;
}

/**
 * GitHub refuses a deployment whose commit checks have not passed: every
 * context (commit status or check run) when required_contexts is omitted,
 * the listed ones otherwise, none for an empty list.
 */
function assertRequiredContextsPass(ctx: RepoContext, sha: string, ref: string, requiredContexts: unknown): void {
  const latest = new Map<string, string>();
  for (const status of ctx.repo.statuses) if (status.sha === sha) latest.set(status.context, status.state);
  for (const run of ctx.repo.checkRuns) {
    if (run.headSha !== sha) continue;
    const passed = run.status === 'completed' && ['success', 'neutral', 'skipped'].includes(run.conclusion ?? '');
    latest.set(run.name, passed ? 'success' : run.status === 'completed' ? 'failure' : 'pending');
  }
  const required = Array.isArray(requiredContexts) ? requiredContexts.map(String) : [...latest.keys()];
  const failing = required.filter((context) => latest.get(context) !== 'success');
  if (failing.length === 0) return;
  throw new GitHubHttpError(409, {
    message: `Conflict: Commit status checks failed for ${ref}.`,
    errors: [
      {
        contexts: failing.map((context) => ({ context, state: latest.get(context) ?? 'missing' })),
        resource: 'Deployment',
        field: 'required_contexts',
        code: 'invalid',
      },
    ],
    documentation_url: ctx.operation.docsUrl,
    status: '409',
  });
}

export const checkHandlers: Record<string, RepoHandler> = {
  'checks/create': (ctx) => {
    const body = bodyOf(ctx);
    const headSha = String(body['head_sha']);
    if (!ctx.repo.commits.has(headSha))
      throw validationFailed(
        ctx,
        [{ resource: 'CheckRun', code: 'invalid', field: 'head_sha' }],
        'No commit found for SHA: ' + headSha,
      );
    const run: CheckRunRecord = {
      id: ctx.core.nextId('checkRun'),
      checkSuiteId: ctx.core.nextId('checkSuite'),
      headSha,
      name: String(body['name']),
      status: 'queued',
      conclusion: null,
      detailsUrl: null,
      externalId: null,
      startedAt: ctx.core.now(),
      completedAt: null,
      output: { title: null, summary: null, text: null, annotations: [] },
      app: ctx.token.user,
    };
    applyCheckRunFields(ctx, run, body);
    ctx.repo.checkRuns.push(run);
    return { status: 201, body: checkRunJson(ctx.core, ctx.repo, run) };
  },

  'checks/update': (ctx) => {
    const run = findCheckRun(ctx);
    applyCheckRunFields(ctx, run, bodyOf(ctx));
    return { status: 200, body: checkRunJson(ctx.core, ctx.repo, run) };
  },

  'checks/get': (ctx) => ({ status: 200, body: checkRunJson(ctx.core, ctx.repo, findCheckRun(ctx)) }),

  'checks/list-for-ref': (ctx) => {
    const commit = ctx.core.resolveCommit(ctx.repo, ctx.params['ref'] ?? '');
    if (!commit) throw unprocessable(ctx, `No commit found for SHA: ${ctx.params['ref']}`);
    const name = ctx.query.get('check_name');
    const status = ctx.query.get('status');
    const runs = ctx.repo.checkRuns
      .filter((r) => r.headSha === commit.sha && (!name || r.name === name) && (!status || r.status === status))
      .reverse();
    const page = paginate(ctx, runs);
    return {
      status: 200,
      body: { total_count: runs.length, check_runs: page.items.map((r) => checkRunJson(ctx.core, ctx.repo, r)) },
      headers: page.headers,
    };
  },

  'repos/create-commit-status': (ctx) => {
    const sha = ctx.params['sha'] ?? '';
    if (!ctx.repo.commits.has(sha)) throw unprocessable(ctx, `No commit found for SHA: ${sha}`);
    const body = bodyOf(ctx);
    const at = ctx.core.now();
    const status: CommitStatusRecord = {
      id: ctx.core.nextId('status'),
      sha,
      state: body['state'] as CommitStatusRecord['state'],
      targetUrl: typeof body['target_url'] === 'string' ? body['target_url'] : null,
      description: typeof body['description'] === 'string' ? body['description'] : null,
      context: typeof body['context'] === 'string' ? body['context'] : 'default',
      creator: ctx.token.user,
      createdAt: at,
      updatedAt: at,
    };
    ctx.repo.statuses.push(status);
    return { status: 201, body: statusJson(ctx.core, ctx.repo, status) };
  },

  'repos/get-combined-status-for-ref': (ctx) => {
    const commit = ctx.core.resolveCommit(ctx.repo, ctx.params['ref'] ?? '');
    if (!commit) throw notFound(ctx);
    const statuses = ctx.repo.statuses.filter((s) => s.sha === commit.sha);
    return { status: 200, body: combinedStatusJson(ctx.core, ctx.repo, commit.sha, statuses) };
  },

  'repos/list-commit-statuses-for-ref': (ctx) => {
    const commit = ctx.core.resolveCommit(ctx.repo, ctx.params['ref'] ?? '');
    if (!commit) throw notFound(ctx);
    const page = paginate(ctx, ctx.repo.statuses.filter((s) => s.sha === commit.sha).reverse());
    return { status: 200, body: page.items.map((s) => statusJson(ctx.core, ctx.repo, s)), headers: page.headers };
  },

  'repos/create-deployment': (ctx) => {
    const body = bodyOf(ctx);
    const ref = String(body['ref']);
    const commit = ctx.core.resolveCommit(ctx.repo, ref);
    if (!commit) throw unprocessable(ctx, `No ref found for: ${ref}`);
    assertRequiredContextsPass(ctx, commit.sha, ref, body['required_contexts']);
    const environment = typeof body['environment'] === 'string' ? body['environment'] : 'production';
    const at = ctx.core.now();
    const deployment: DeploymentRecord = {
      id: ctx.core.nextId('deployment'),
      sha: commit.sha,
      ref,
      task: typeof body['task'] === 'string' ? body['task'] : 'deploy',
      environment,
      payload: (body['payload'] as DeploymentRecord['payload'] | undefined) ?? {},
      description: typeof body['description'] === 'string' ? body['description'] : null,
      transientEnvironment: body['transient_environment'] === true,
      productionEnvironment:
        typeof body['production_environment'] === 'boolean'
          ? body['production_environment']
          : environment === 'production',
      creator: ctx.token.user,
      createdAt: at,
      updatedAt: at,
      statuses: [],
    };
    ctx.repo.deployments.push(deployment);
    return { status: 201, body: deploymentJson(ctx.core, ctx.repo, deployment) };
  },

  'repos/list-deployments': (ctx) => {
    const filters = ['sha', 'ref', 'task', 'environment'] as const;
    const matching = ctx.repo.deployments
      .filter((d) =>
        filters.every((key) => {
          const wanted = ctx.query.get(key);
          return wanted === null || d[key] === wanted;
        }),
      )
      .reverse();
    const page = paginate(ctx, matching);
    return { status: 200, body: page.items.map((d) => deploymentJson(ctx.core, ctx.repo, d)), headers: page.headers };
  },

  'repos/get-deployment': (ctx) => ({ status: 200, body: deploymentJson(ctx.core, ctx.repo, findDeployment(ctx)) }),

  'repos/create-deployment-status': (ctx) => {
    const deployment = findDeployment(ctx);
    const body = bodyOf(ctx);
    const at = ctx.core.now();
    const status: DeploymentStatusRecord = {
      id: ctx.core.nextId('deploymentStatus'),
      state: body['state'] as DeploymentStatusRecord['state'],
      description: typeof body['description'] === 'string' ? body['description'] : '',
      logUrl:
        typeof body['log_url'] === 'string'
          ? body['log_url']
          : typeof body['target_url'] === 'string'
            ? body['target_url']
            : '',
      environmentUrl: typeof body['environment_url'] === 'string' ? body['environment_url'] : '',
      environment: typeof body['environment'] === 'string' ? body['environment'] : deployment.environment,
      creator: ctx.token.user,
      createdAt: at,
      updatedAt: at,
    };
    deployment.statuses.push(status);
    deployment.updatedAt = at;
    // auto_inactive (default true): a success marks earlier non-transient deployments of the environment inactive.
    if (status.state === 'success' && body['auto_inactive'] !== false) {
      for (const other of ctx.repo.deployments) {
        if (other === deployment || other.environment !== deployment.environment || other.transientEnvironment)
          continue;
        if (other.statuses.at(-1)?.state !== 'success') continue;
        other.statuses.push({ ...status, id: ctx.core.nextId('deploymentStatus'), state: 'inactive', description: '' });
      }
    }
    return { status: 201, body: deploymentStatusJson(ctx.core, ctx.repo, deployment, status) };
  },

  'repos/list-deployment-statuses': (ctx) => {
    const deployment = findDeployment(ctx);
    const page = paginate(ctx, [...deployment.statuses].reverse());
    return {
      status: 200,
      body: page.items.map((s) => deploymentStatusJson(ctx.core, ctx.repo, deployment, s)),
      headers: page.headers,
    };
  },

  'repos/get-deployment-status': (ctx) => {
    const deployment = findDeployment(ctx);
    const id = intParam(ctx, 'status_id');
    const status = deployment.statuses.find((s) => s.id === id);
    if (!status) throw notFound(ctx);
    return { status: 200, body: deploymentStatusJson(ctx.core, ctx.repo, deployment, status) };
  },
};
