// State and the operations on it that both the HTTP handlers and the seeding
// API use (so seeded data and API-created data look the same).
import { createHash } from 'node:crypto';
import { IdSequences, type IdKind } from './ids.ts';
import type {
  CommitRecord,
  GitRefRecord,
  EmulatorState,
  IssueCommentRecord,
  IssueRecord,
  RepoRecord,
  TokenPermissions,
  TokenRecord,
  UserRecord,
} from './state.ts';

export interface EmulatorUrls {
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
  uploadsUrl: string;
}

const ONE_HOUR_SECONDS = 3600;

export class EmulatorCore {
  readonly state: EmulatorState = { repos: new Map(), tokens: new Map(), users: new Map() };
  readonly urls: EmulatorUrls;
  readonly rateLimitPerHour: number;
  readonly #ids = new IdSequences();
  #shaCounter = 0;
  #lastCommitMs = 0;
  #tokenCounter = 0;

  constructor(urls: EmulatorUrls, rateLimitPerHour: number) {
    this.urls = urls;
    this.rateLimitPerHour = rateLimitPerHour;
  }

  /** The next database id of a kind, in github.com's range for it (ids.ts). */
  nextId(kind: IdKind): number {
    return this.#ids.next(kind);
  }

  /** GitHub timestamps have second resolution. */
  now(): string {
    return isoSeconds(Date.now());
  }

  /** Commit dates strictly increase so "newest commit" orderings are deterministic. */
  nextCommitDate(): string {
    const ms = Math.max(Date.now(), this.#lastCommitMs + 1000);
    this.#lastCommitMs = ms;
    return isoSeconds(ms);
  }

  sha(...parts: string[]): string {
    return createHash('sha1').update(parts.join('\0')).update(String(++this.#shaCounter)).digest('hex');
  }

  user(login: string, type: UserRecord['type'] = 'User'): UserRecord {
    const existing = this.state.users.get(login.toLowerCase());
    if (existing) return existing;
    const created: UserRecord = { login, id: this.nextId('user'), type };
    this.state.users.set(login.toLowerCase(), created);
    return created;
  }

  createToken(options: {
    login: string;
    type?: 'User' | 'Bot';
    permissions?: TokenPermissions;
    rateLimitPerHour?: number;
  }): TokenRecord {
    const user = this.user(options.login, options.type ?? 'User');
    const token = `ghs_emulator${String(++this.#tokenCounter).padStart(4, '0')}${createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 24)}`;
    const record: TokenRecord = {
      token,
      user,
      permissions: options.permissions ?? ALL_WRITE,
      rateLimit: {
        limit: options.rateLimitPerHour ?? this.rateLimitPerHour,
        used: 0,
        resetEpochSeconds: nowSeconds() + ONE_HOUR_SECONDS,
      },
    };
    this.state.tokens.set(token, record);
    return record;
  }

  /** Counts one request against the token's hourly budget; false when it is exhausted. */
  spendRateLimit(token: TokenRecord): boolean {
    const limit = token.rateLimit;
    if (nowSeconds() >= limit.resetEpochSeconds) {
      limit.used = 0;
      limit.resetEpochSeconds = nowSeconds() + ONE_HOUR_SECONDS;
    }
    if (limit.used >= limit.limit) return false;
    limit.used++;
    return true;
  }

  createRepo(options: {
    owner: string;
    name: string;
    defaultBranch?: string;
    immutableReleases?: boolean;
  }): RepoRecord {
    const fullName = `${options.owner}/${options.name}`;
    if (this.state.repos.has(fullName.toLowerCase()))
      throw new Error(`repository ${fullName} already exists in the emulator`);
    const repo: RepoRecord = {
      id: this.nextId('repo'),
      owner: this.user(options.owner, 'Organization'),
      name: options.name,
      fullName,
      defaultBranch: options.defaultBranch ?? 'main',
      immutableReleases: options.immutableReleases ?? false,
      createdAt: this.now(),
      commits: new Map(),
      refs: new Map(),
      tagObjects: new Map(),
      issues: new Map(),
      issueComments: [],
      commitComments: [],
      releases: [],
      checkRuns: [],
      statuses: [],
      deployments: [],
      workflowRuns: new Map(),
      environments: new Map(),
    };
    this.state.repos.set(fullName.toLowerCase(), repo);
    this.createCommit(repo, { branch: repo.defaultBranch, message: 'Initial commit' });
    return repo;
  }

  findRepo(owner: string, name: string): RepoRecord | undefined {
    return this.state.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /** Adds a commit on `branch` (creating the branch from the default branch if needed) and moves the branch to it. */
  createCommit(repo: RepoRecord, options: { branch: string; message: string; parents?: string[] }): string {
    const branchRef = `refs/heads/${options.branch}`;
    const tip = repo.refs.get(branchRef)?.sha ?? repo.refs.get(`refs/heads/${repo.defaultBranch}`)?.sha;
    const parents = options.parents ?? (tip ? [tip] : []);
    const commit: CommitRecord = {
      sha: this.sha(repo.fullName, options.branch, options.message),
      message: options.message,
      parents,
      treeSha: this.sha('tree', options.message),
      author: { name: 'Mona Lisa', email: 'mona@example.com', date: this.nextCommitDate() },
    };
    repo.commits.set(commit.sha, commit);
    this.setRef(repo, { ref: branchRef, sha: commit.sha, objectType: 'commit' });
    return commit.sha;
  }

  /**
   * Points a ref at an object. A push to an open pull request's head branch
   * moves the pull request's head, as on GitHub (its recorded base stays: it is
   * where the branch started).
   */
  setRef(repo: RepoRecord, record: GitRefRecord): void {
    repo.refs.set(record.ref, record);
    if (!record.ref.startsWith('refs/heads/') || record.objectType !== 'commit') return;
    const branch = record.ref.slice('refs/heads/'.length);
    for (const issue of repo.issues.values()) {
      if (issue.state !== 'open' || issue.pullRequest?.head !== branch || issue.pullRequest.headSha === record.sha)
        continue;
      issue.pullRequest.headSha = record.sha;
      issue.updatedAt = this.now();
    }
  }

  /** Resolves a branch, tag, full ref or (abbreviated) sha to a commit. */
  resolveCommit(repo: RepoRecord, ref: string): CommitRecord | undefined {
    const direct = repo.commits.get(ref);
    if (direct) return direct;
    const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
    for (const name of candidates) {
      const found = repo.refs.get(name);
      if (!found) continue;
      let sha = found.sha;
      // Peel annotated tags (a tag may point at a tag) down to the commit; bounded.
      for (let depth = 0; depth < 10; depth++) {
        const tag = repo.tagObjects.get(sha);
        if (!tag) break;
        sha = tag.object.sha;
      }
      return repo.commits.get(sha);
    }
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      for (const commit of repo.commits.values()) if (commit.sha.startsWith(ref)) return commit;
    }
    return undefined;
  }

  createIssue(
    repo: RepoRecord,
    options: { title: string; body?: string | null; user?: string; pullRequest?: IssueRecord['pullRequest'] },
  ): IssueRecord {
    const number = repo.issues.size + 1;
    const at = this.now();
    const issue: IssueRecord = {
      id: this.nextId('issue'),
      number,
      title: options.title,
      body: options.body ?? null,
      state: 'open',
      user: this.user(options.user ?? 'octocat'),
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      labels: [],
      ...(options.pullRequest ? { pullRequest: options.pullRequest } : {}),
    };
    repo.issues.set(number, issue);
    return issue;
  }

  addIssueComment(
    repo: RepoRecord,
    issueNumber: number,
    options: { body: string; user: UserRecord },
  ): IssueCommentRecord {
    const at = this.now();
    const comment: IssueCommentRecord = {
      id: this.nextId('issueComment'),
      issueNumber,
      body: options.body,
      user: options.user,
      createdAt: at,
      updatedAt: at,
      minimized: { isMinimized: false, reason: null },
    };
    repo.issueComments.push(comment);
    return comment;
  }
}

/** A token created without permissions may do everything. */
export const ALL_WRITE: TokenPermissions = {
  contents: 'write',
  'pull-requests': 'write',
  issues: 'write',
  checks: 'write',
  statuses: 'write',
  deployments: 'write',
  metadata: 'read',
  actions: 'write',
};

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
