// The port the sticky-comment logic talks to, and its GitHub implementation.
// Tests of the logic use an in-memory store; end-to-end tests use GitHub's
// emulator through this implementation.
import {
  createCommitComment,
  createIssueComment,
  deleteIssueComment,
  fetchCommentNodes,
  formatRepo,
  getIssue,
  listCommitComments,
  listIssueComments,
  setIssueBody,
  updateCommitComment,
  updateIssueComment,
  type CommentId,
  type CommentNode,
  type GitHubClient,
  type RepoRef,
  type StoredComment,
} from '@mlship/github';
import type { ReportTarget } from './target.ts';

export interface CommentStore {
  /** The PR/issue body (where the comment pointers live). */
  readIssueBody(issueNumber: number): Promise<string | null>;
  writeIssueBody(issueNumber: number, body: string): Promise<void>;
  /** Every comment on the target, all pages. */
  listComments(target: ReportTarget): Promise<StoredComment[]>;
  /** Comments of this repository on targets of this kind by node id, with whether this token's identity wrote them. */
  commentNodes(target: ReportTarget, nodeIds: readonly string[]): Promise<Map<string, CommentNode>>;
  /** Never retried inside: a lost response may still have created it. */
  createComment(target: ReportTarget, body: string): Promise<StoredComment>;
  updateComment(target: ReportTarget, commentId: CommentId, body: string): Promise<StoredComment>;
  /** Removes a duplicate of our own issue/PR comment. */
  deleteIssueComment(commentId: CommentId): Promise<void>;
}

export function gitHubCommentStore(client: GitHubClient, repo: RepoRef): CommentStore {
  return {
    readIssueBody: async (n) => (await getIssue(client, repo, n)).body,
    writeIssueBody: (n, body) => setIssueBody(client, repo, n, body),
    listComments: (t) =>
      t.kind === 'issue' ? listIssueComments(client, repo, t.number) : listCommitComments(client, repo, t.sha),
    // A pointer copied from another repository's description names a comment there, which
    // this repository's REST endpoints cannot update: only this repository's comments count.
    commentNodes: async (t, ids) => {
      const nodes = await fetchCommentNodes(client, ids, t.kind);
      const here = formatRepo(repo).toLowerCase();
      return new Map([...nodes].filter(([, node]) => node.repository?.toLowerCase() === here));
    },
    createComment: (t, body) =>
      t.kind === 'issue'
        ? createIssueComment(client, repo, t.number, body)
        : createCommitComment(client, repo, t.sha, body),
    updateComment: (t, id, body) =>
      t.kind === 'issue' ? updateIssueComment(client, repo, id, body) : updateCommitComment(client, repo, id, body),
    deleteIssueComment: (id) => deleteIssueComment(client, repo, id),
  };
}
