// The emulator's stored state: plain records, readable by tests through
// `gh.state`. JSON representations are built from these on every response.

export type PermissionLevel = 'read' | 'write';
export type PermissionName =
  'contents' | 'pull-requests' | 'issues' | 'checks' | 'statuses' | 'deployments' | 'metadata' | 'actions';
export type TokenPermissions = Partial<Record<PermissionName, PermissionLevel>>;

export interface UserRecord {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface TokenRecord {
  token: string;
  user: UserRecord;
  permissions: TokenPermissions;
  rateLimit: { limit: number; used: number; resetEpochSeconds: number };
}

export interface CommitRecord {
  sha: string;
  message: string;
  parents: string[];
  treeSha: string;
  author: { name: string; email: string; date: string };
  /** The author when absent (seeded commits). */
  committer?: { name: string; email: string; date: string };
}

export interface GitRefRecord {
  /** full ref name, e.g. "refs/heads/main", "refs/tags/v1" */
  ref: string;
  sha: string;
  /** what sha names: a commit, or an annotated tag object */
  objectType: 'commit' | 'tag';
}

export interface TagObjectRecord {
  sha: string;
  tag: string;
  message: string;
  object: { sha: string; type: 'commit' | 'tree' | 'blob' | 'tag' };
  tagger: { name: string; email: string; date: string };
}

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  labels: string[];
  /** set when the issue is a pull request */
  pullRequest?: { head: string; base: string; headSha: string; baseSha: string; merged: boolean; draft: boolean };
}

export interface IssueCommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
  minimized: { isMinimized: boolean; reason: string | null };
}

export interface CommitCommentRecord {
  id: number;
  commitId: string;
  body: string;
  path: string | null;
  position: number | null;
  line: number | null;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
  minimized: { isMinimized: boolean; reason: string | null };
}

export interface ReleaseAssetRecord {
  id: number;
  releaseId: number;
  name: string;
  label: string | null;
  contentType: string;
  bytes: Buffer;
  size: number;
  /** "sha256:<hex>", as GitHub reports it */
  digest: string;
  uploader: UserRecord;
  downloadCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  /** locked after publish when the repository has immutable releases */
  immutable: boolean;
  author: UserRecord;
  createdAt: string;
  publishedAt: string | null;
  assets: ReleaseAssetRecord[];
}

export interface CheckRunRecord {
  id: number;
  checkSuiteId: number;
  headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: unknown[] };
  app: UserRecord;
}

export interface CommitStatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  targetUrl: string | null;
  description: string | null;
  context: string;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentStatusRecord {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';
  description: string;
  logUrl: string;
  environmentUrl: string;
  environment: string;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: Record<string, unknown> | string;
  description: string | null;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
  statuses: DeploymentStatusRecord[];
}

/** A deployment review of a workflow run's environment (GET .../actions/runs/{id}/approvals). */
export interface RunApprovalRecord {
  state: 'approved' | 'rejected' | 'pending';
  environment: { id: number; name: string };
  user: UserRecord;
  comment: string;
  at: string;
}

/** A job of a workflow run, as the runner that took it reports it. */
export interface WorkflowJobRecord {
  id: number;
  attempt: number;
  name: string;
  runnerName: string;
  labels: string[];
  headSha: string;
  headBranch: string;
  startedAt: string;
}

/** What the emulator knows of a workflow run: only what tests seed (runs are not executed). */
export interface WorkflowRunRecord {
  id: number;
  workflowName: string;
  approvals: RunApprovalRecord[];
  jobs: WorkflowJobRecord[];
}

export interface RepoRecord {
  id: number;
  owner: UserRecord;
  name: string;
  fullName: string;
  defaultBranch: string;
  immutableReleases: boolean;
  createdAt: string;
  commits: Map<string, CommitRecord>;
  refs: Map<string, GitRefRecord>;
  tagObjects: Map<string, TagObjectRecord>;
  /** issues and pull requests share one number sequence, as on GitHub */
  issues: Map<number, IssueRecord>;
  issueComments: IssueCommentRecord[];
  commitComments: CommitCommentRecord[];
  releases: ReleaseRecord[];
  checkRuns: CheckRunRecord[];
  statuses: CommitStatusRecord[];
  deployments: DeploymentRecord[];
  /** Workflow runs tests seeded, by run id. */
  workflowRuns: Map<number, WorkflowRunRecord>;
  /** Environment ids by name, made on first use. */
  environments: Map<string, number>;
}

export interface EmulatorState {
  /** keyed by lower-case "owner/name" */
  repos: Map<string, RepoRecord>;
  tokens: Map<string, TokenRecord>;
  users: Map<string, UserRecord>;
}
