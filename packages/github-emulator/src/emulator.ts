// The public face of the emulator: start it, seed it, inspect it, break it.
import { loadSpec, type SpecName } from './openapi-schemas.ts';
import { RouteTable } from './openapi-routes.ts';
import { EmulatorServer } from './http-server.ts';
import type { FaultRule } from './faults.ts';
import type { RequestLogEntry, Violation } from './request-log.ts';
import type { EmulatorState, RepoRecord, TokenPermissions } from './state.ts';

export interface StartEmulatorOptions {
  spec?: SpecName;
  /** primary rate limit per token per hour (GITHUB_TOKEN's is 1,000) */
  rateLimitPerHour?: number;
}

export interface RepoHandle {
  owner: string;
  name: string;
  fullName: string;
  id: number;
  defaultBranch: string;
}

export interface CreateRepoOptions {
  owner: string;
  name: string;
  defaultBranch?: string;
  /** lock a release's tag and assets once it is published, like GitHub's immutable releases */
  immutableReleases?: boolean;
}

export interface CreateTokenOptions {
  login: string;
  type?: 'User' | 'Bot';
  /** absent: every permission at write (a classic PAT's reach) */
  permissions?: TokenPermissions;
  rateLimitPerHour?: number;
}

/** A workflow run as a test seeds it (see recordWorkflowRun). */
export interface WorkflowRunSeed {
  /** GITHUB_RUN_ID of the run. */
  id: number | string;
  workflowName?: string;
  /** Deployment reviews of the run's environments; state defaults to approved. */
  approvals?: { environment: string; user: string; state?: 'approved' | 'rejected' | 'pending'; comment?: string }[];
  /** Jobs of the run's attempts (attempt 1 by default), with the runner that took each. */
  jobs?: {
    name: string;
    runnerName: string;
    labels: string[];
    attempt?: number;
    headSha?: string;
    headBranch?: string;
  }[];
}

export interface PullRequestHandle {
  number: number;
  id: number;
  headSha: string;
  baseSha: string;
  head: string;
  base: string;
}

const routeTables = new Map<SpecName, RouteTable>();

export class GitHubEmulator {
  readonly #server: EmulatorServer;

  constructor(server: EmulatorServer) {
    this.#server = server;
  }

  get apiUrl(): string {
    return this.#server.core.urls.apiUrl;
  }
  get graphqlUrl(): string {
    return this.#server.core.urls.graphqlUrl;
  }
  get serverUrl(): string {
    return this.#server.core.urls.serverUrl;
  }
  get uploadsUrl(): string {
    return this.#server.core.urls.uploadsUrl;
  }
  get state(): EmulatorState {
    return this.#server.core.state;
  }
  get requests(): readonly RequestLogEntry[] {
    return this.#server.requests;
  }
  get violations(): readonly Violation[] {
    return this.#server.violations;
  }

  clearRequests(): void {
    this.#server.requests.length = 0;
  }

  /** The stored record of a repository, for assertions. */
  repo(handle: RepoHandle | string): RepoRecord {
    const fullName = typeof handle === 'string' ? handle : handle.fullName;
    const [owner = '', name = ''] = fullName.split('/');
    const repo = this.#server.core.findRepo(owner, name);
    if (!repo) throw new Error(`the emulator has no repository ${fullName}`);
    return repo;
  }

  createRepo(options: CreateRepoOptions): RepoHandle {
    const repo = this.#server.core.createRepo(options);
    return {
      owner: repo.owner.login,
      name: repo.name,
      fullName: repo.fullName,
      id: repo.id,
      defaultBranch: repo.defaultBranch,
    };
  }

  createToken(options: CreateTokenOptions): string {
    return this.#server.core.createToken(options).token;
  }

  createCommit(handle: RepoHandle, options: { branch: string; message: string; parents?: string[] }): string {
    return this.#server.core.createCommit(this.repo(handle), options);
  }

  createPullRequest(
    handle: RepoHandle,
    options: { head: string; base: string; title: string; body?: string; user?: string; draft?: boolean },
  ): PullRequestHandle {
    const repo = this.repo(handle);
    const headSha = repo.refs.get(`refs/heads/${options.head}`)?.sha;
    const baseSha = repo.refs.get(`refs/heads/${options.base}`)?.sha;
    if (!headSha)
      throw new Error(`branch ${options.head} does not exist in ${repo.fullName}: create a commit on it first`);
    if (!baseSha) throw new Error(`branch ${options.base} does not exist in ${repo.fullName}`);
    const issue = this.#server.core.createIssue(repo, {
      title: options.title,
      body: options.body ?? null,
      user: options.user ?? 'octocat',
      pullRequest: {
        head: options.head,
        base: options.base,
        headSha,
        baseSha,
        merged: false,
        draft: options.draft ?? false,
      },
    });
    return { number: issue.number, id: issue.id, headSha, baseSha, head: options.head, base: options.base };
  }

  createIssue(handle: RepoHandle, options: { title: string; body?: string; user?: string }): number {
    return this.#server.core.createIssue(this.repo(handle), options).number;
  }

  /** Adds a comment without HTTP (fast seeding); returns its id. */
  addIssueComment(
    handle: RepoHandle,
    issueNumber: number,
    options: { body: string; user: string; userType?: 'User' | 'Bot' },
  ): number {
    const repo = this.repo(handle);
    if (!repo.issues.has(issueNumber)) throw new Error(`${repo.fullName} has no issue or pull request #${issueNumber}`);
    const user = this.#server.core.user(
      options.user,
      options.userType ?? (options.user.endsWith('[bot]') ? 'Bot' : 'User'),
    );
    return this.#server.core.addIssueComment(repo, issueNumber, { body: options.body, user }).id;
  }

  /**
   * Seeds a workflow run (the emulator runs no workflows): the deployment
   * reviews of its environments and the jobs of its attempts. Seeding the same
   * run again adds to it.
   */
  recordWorkflowRun(handle: RepoHandle, run: WorkflowRunSeed): void {
    const repo = this.repo(handle);
    const core = this.#server.core;
    const id = Number(run.id);
    const record = repo.workflowRuns.get(id) ?? { id, workflowName: run.workflowName ?? 'CI', approvals: [], jobs: [] };
    for (const approval of run.approvals ?? []) {
      let environment = repo.environments.get(approval.environment);
      if (environment === undefined) {
        environment = core.nextId('environment');
        repo.environments.set(approval.environment, environment);
      }
      record.approvals.push({
        state: approval.state ?? 'approved',
        environment: { id: environment, name: approval.environment },
        user: core.user(approval.user),
        comment: approval.comment ?? '',
        at: core.now(),
      });
    }
    for (const job of run.jobs ?? []) {
      record.jobs.push({
        id: core.nextId('checkRun'),
        attempt: job.attempt ?? 1,
        name: job.name,
        runnerName: job.runnerName,
        labels: job.labels,
        headSha: job.headSha ?? repo.refs.get(`refs/heads/${repo.defaultBranch}`)?.sha ?? '',
        headBranch: job.headBranch ?? repo.defaultBranch,
        startedAt: core.now(),
      });
    }
    repo.workflowRuns.set(id, record);
  }

  inject(rule: FaultRule): void {
    this.#server.faults.add(rule);
  }

  async stop(): Promise<void> {
    await this.#server.stop();
  }
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<GitHubEmulator> {
  const specName = options.spec ?? 'api.github.com';
  const spec = loadSpec(specName);
  let routes = routeTables.get(specName);
  if (!routes) {
    routes = new RouteTable(spec.operations);
    routeTables.set(specName, routes);
  }
  const server = await EmulatorServer.start(spec, routes, options.rateLimitPerHour ?? 1000);
  return new GitHubEmulator(server);
}
