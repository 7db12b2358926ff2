// An in-memory CommentStore for the sticky-comment tests: GitHub's behaviour
// that matters here (authors, pagination-free listing, node ids, lost
// responses) and a count of calls by kind.
import type { CommentId, CommentNode, StoredComment } from '@mlship/github';
import type { CommentStore } from '../src/comment-store.ts';
import type { ReportTarget } from '../src/target.ts';

interface Row {
  id: CommentId;
  nodeId: string;
  body: string;
  author: string;
  issueNumber?: number;
  commitSha?: string;
}

export class MemoryStore implements CommentStore {
  readonly viewer: string;
  rows: Row[] = [];
  bodies = new Map<number, string | null>();
  calls: string[] = [];
  /** Faults for the next createComment calls: 'after' creates then fails, 'before' fails. */
  createFaults: Array<'before' | 'after' | 403> = [];
  /** Runs just before a create lands: a concurrent run doing its own work. */
  beforeCreate: (() => void) | undefined;
  #next = 1;

  constructor(viewer = 'github-actions[bot]') {
    this.viewer = viewer;
  }

  add(target: ReportTarget, body: string, author = this.viewer): Row {
    const n = this.#next++;
    const row: Row = {
      // Past 2^32, as github.com's issue-comment ids are past 2^31.
      id: String(2 ** 32 + n),
      nodeId: `IC_${n}`,
      body,
      author,
      ...(target.kind === 'issue' ? { issueNumber: target.number } : { commitSha: target.sha }),
    };
    this.rows.push(row);
    return row;
  }

  on(target: ReportTarget): Row[] {
    return this.rows.filter((r) =>
      target.kind === 'issue' ? r.issueNumber === target.number : r.commitSha === target.sha,
    );
  }

  #stored(r: Row): StoredComment {
    return { id: r.id, nodeId: r.nodeId, body: r.body, htmlUrl: `https://github.test/c/${r.id}` };
  }

  async readIssueBody(n: number) {
    this.calls.push('readIssueBody');
    return this.bodies.get(n) ?? null;
  }
  async writeIssueBody(n: number, body: string) {
    this.calls.push('writeIssueBody');
    this.bodies.set(n, body);
  }
  async listComments(target: ReportTarget) {
    this.calls.push('listComments');
    return this.on(target).map((r) => this.#stored(r));
  }
  async commentNodes(_target: ReportTarget, ids: readonly string[]) {
    this.calls.push('commentNodes');
    const found = new Map<string, CommentNode>();
    for (const r of this.rows.filter((r) => ids.includes(r.nodeId))) {
      found.set(r.nodeId, {
        ...this.#stored(r),
        viewerDidAuthor: r.author === this.viewer,
        issueNumber: r.issueNumber,
        commitSha: r.commitSha,
        repository: undefined,
      });
    }
    return found;
  }
  async createComment(target: ReportTarget, body: string) {
    this.calls.push('createComment');
    const fault = this.createFaults.shift();
    if (fault === 403) throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    if (fault === 'before') throw Object.assign(new Error('fetch failed'), { status: 500 });
    this.beforeCreate?.();
    const row = this.add(target, body);
    if (fault === 'after') throw Object.assign(new Error('socket hang up'), { status: 500 });
    return this.#stored(row);
  }
  async deleteIssueComment(id: CommentId) {
    this.calls.push('deleteIssueComment');
    this.rows = this.rows.filter((r) => r.id !== id);
  }
  async updateComment(_target: ReportTarget, id: CommentId, body: string) {
    this.calls.push('updateComment');
    const row = this.rows.find((r) => r.id === id);
    if (!row) throw Object.assign(new Error('Not Found'), { status: 404 });
    row.body = body;
    return this.#stored(row);
  }
}
