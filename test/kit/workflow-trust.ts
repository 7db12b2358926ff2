// Which jobs of a workflow can run a fork's code on a self-hosted runner.
// Read from the workflow file alone, so it checks templates before anyone
// copies them; what only GitHub's settings can guarantee (approval of fork
// runs, runner groups, the environment's reviewers) is in docs/security.md.
//
// The rule: on a trigger whose workflow file comes from the pull request
// (pull_request: the fork can rewrite every line, guards included), no job may
// use a self-hosted runner. On a trigger a fork can start but whose file comes
// from the default branch (workflow_run, pull_request_target, issue_comment,
// ...), a self-hosted job must either be skipped for forks by a same-repository
// guard, or wait for an environment with required reviewers and run only the
// default branch's code, reading a checkout of the pull request as data.

/** The workflow file is the pull request's own (a fork edits it, guards and all). */
const HEAD_FILE_EVENTS = new Set([
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  // A reusable workflow runs in its caller's context, which may be any of the above.
  'workflow_call',
]);

/** Anyone, fork authors included, can start these; the file comes from the default branch. */
const BASE_FILE_FORK_EVENTS = new Set([
  'pull_request_target',
  'workflow_run',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
  'fork',
  'watch',
]);

/** Guards on the default branch's file that skip a job for fork pull requests, per event. */
const SAME_REPOSITORY_GUARDS: Record<string, string> = {
  workflow_run: 'github.event.workflow_run.head_repository.full_name',
  pull_request_target: 'github.event.pull_request.head.repo.full_name',
};

/** References that name the default branch's code, not the pull request's. */
const BASE_REFS =
  /^\$\{\{\s*(github\.sha|github\.ref|github\.event\.repository\.default_branch|github\.event\.pull_request\.base\.(sha|ref))\s*\}\}$/;

export interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}

export interface Job {
  'runs-on'?: unknown;
  if?: unknown;
  environment?: unknown;
  uses?: string;
  steps?: Step[];
}

export interface Workflow {
  on?: unknown;
  jobs?: Record<string, Job>;
}

export interface TrustOptions {
  /** Environments whose required reviewers are set (docs/security.md says how). */
  reviewedEnvironments: readonly string[];
}

export interface Violation {
  job: string;
  reason: string;
}

export function triggers(workflow: Workflow): string[] {
  const on = workflow.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return on && typeof on === 'object' ? Object.keys(on) : [];
}

/**
 * Conservative: only GitHub's own hosted images count as GitHub-hosted; any
 * other label, a runner group or an expression may be a self-hosted machine.
 */
export function isSelfHosted(runsOn: unknown): boolean {
  const labels = typeof runsOn === 'string' ? [runsOn] : Array.isArray(runsOn) ? runsOn : undefined;
  if (!labels || labels.length === 0) return true;
  return labels.some((label) => typeof label !== 'string' || !/^(ubuntu|windows|macos)-[\w.-]+$/.test(label));
}

/** Every self-hosted job of the workflow that a fork's pull request can reach with its own code. */
export function forkReachableSelfHostedJobs(workflow: Workflow, options: TrustOptions): Violation[] {
  const events = triggers(workflow);
  const headFile = events.filter((e) => HEAD_FILE_EVENTS.has(e));
  const baseFile = events.filter((e) => BASE_FILE_FORK_EVENTS.has(e));
  const violations: Violation[] = [];
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    if (job.uses !== undefined) {
      if (headFile.length || baseFile.length)
        violations.push({ job: name, reason: `calls ${job.uses}, whose runners this check cannot see` });
      continue;
    }
    if (!isSelfHosted(job['runs-on'])) continue;
    if (headFile.length) {
      violations.push({
        job: name,
        reason: `runs on a self-hosted runner in a workflow started by ${headFile.join(', ')}, whose file a fork rewrites (an if: guard there protects nothing)`,
      });
      continue;
    }
    if (baseFile.length === 0 || skipsForks(job.if, baseFile)) continue;
    const environment = environmentName(job.environment);
    if (environment === undefined || !options.reviewedEnvironments.includes(environment)) {
      violations.push({
        job: name,
        reason: `a fork can start it (${baseFile.join(', ')}) and it waits for no environment with required reviewers`,
      });
      continue;
    }
    const untrusted = headCodeRun(job.steps ?? []);
    if (untrusted) violations.push({ job: name, reason: untrusted });
  }
  return violations;
}

/** The job's `if:` has a same-repository guard, ANDed, for every fork-startable event. */
function skipsForks(condition: unknown, events: readonly string[]): boolean {
  if (typeof condition !== 'string') return false;
  const expression = condition
    .replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (expression.includes('||')) return false;
  const conjuncts = expression.split('&&').map((c) =>
    c
      .trim()
      .replace(/^\((.*)\)$/, '$1')
      .trim(),
  );
  return events.every((event) => {
    const field = SAME_REPOSITORY_GUARDS[event];
    return (
      field !== undefined &&
      conjuncts.some((c) => c === `${field} == github.repository` || c === `github.repository == ${field}`)
    );
  });
}

function environmentName(environment: unknown): string | undefined {
  if (typeof environment === 'string') return environment;
  if (environment && typeof environment === 'object' && 'name' in environment) {
    const name = (environment as { name: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/**
 * Why a step may run the pull request's code, or undefined. A checkout of
 * anything but the default branch is the pull request's: it must go to its
 * own path, keep no credentials, and nothing may run from it (no local
 * action, script, `cd`, working directory or install from that path).
 */
function headCodeRun(steps: readonly Step[]): string | undefined {
  const headPaths: string[] = [];
  for (const step of steps) {
    if (step.uses?.startsWith('actions/checkout@')) {
      const ref = step.with?.ref;
      const repository = step.with?.repository;
      const base =
        (ref === undefined || BASE_REFS.test(String(ref))) &&
        (repository === undefined || /^\$\{\{\s*github\.repository\s*\}\}$/.test(String(repository)));
      if (base) continue;
      const path = String(step.with?.path ?? '')
        .replace(/^\.\//, '')
        .replace(/\/+$/, '');
      if (path === '' || path === '.')
        return 'checks the pull request out over the workspace, where the default branch code runs';
      if (step.with?.['persist-credentials'] !== false)
        return `checks the pull request out to ${path} with the job's credentials in its git config (set persist-credentials: false)`;
      headPaths.push(path);
      continue;
    }
    for (const path of headPaths) {
      const under = `(?:\\./)?${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/|\\b)`;
      if (step.uses !== undefined && new RegExp(`^${under}`).test(step.uses))
        return `uses an action from the pull request's checkout (${step.uses})`;
      if (step['working-directory'] !== undefined && new RegExp(`^${under}`).test(step['working-directory']))
        return `runs in the pull request's checkout (${step['working-directory']})`;
      const run = step.run ?? '';
      const runs = new RegExp(
        `(?:^|[;&|(]\\s*|(?:^|[\\s;&|(])(?:bash|sh|zsh|python3?|node|source|exec|\\.|cd)\\s+(?:-\\S+\\s+)*)${under}|\\binstall\\b[^\\n]*${under}`,
        'm',
      );
      if (runs.test(run)) return `runs code from the pull request's checkout: ${run.trim().split('\n')[0]}`;
    }
  }
  return undefined;
}
