// GitHub refusals turned into one actionable line (CML users get stack traces
// for a missing permission: iterative/cml#595, #1421).
import { GitHubAccessError } from '@mlship/errors';
import type { CommentStore } from './comment-store.ts';
import type { ReportTarget } from './target.ts';

export interface AccessContext {
  /** e.g. "octo/x#12" */
  where: string;
  target: ReportTarget;
  /** The target input as given, e.g. "issue/3". */
  targetInput: string;
  /** The target is an issue, not a PR. */
  plainIssue?: boolean | undefined;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function writePermission(context: AccessContext): string {
  if (context.target.kind === 'commit') return 'contents: write';
  return context.plainIssue ? 'issues: write' : 'pull-requests: write';
}

/** The user-facing error for a failed request, or the error itself when it is a bug or an outage. */
export function accessError(error: unknown, operation: 'read' | 'write', context: AccessContext): unknown {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401)
    return new GitHubAccessError(
      `report: GitHub refused the token (401: ${message}); pass a valid token in the 'token' input`,
      { status, cause: error },
    );
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) {
    return new GitHubAccessError(
      `report: GitHub's rate limit stopped the request to ${context.where} after retries; re-run the job later`,
      { status, cause: error },
    );
  }
  if (status === 403 && operation === 'write') {
    return new GitHubAccessError(
      `report: the token cannot write comments on ${context.where}; add \`permissions: ${writePermission(context)}\` to the job${context.plainIssue ? '' : ' (fork PRs: use the workflow_run pattern, see docs/report.md)'}`,
      { status, cause: error },
    );
  }
  if (status === 403)
    return new GitHubAccessError(
      `report: the token cannot read ${context.where} (403: ${message}); give the job read access to it`,
      { status, cause: error },
    );
  // 422 on a write is a refused body (e.g. a description at GitHub's 65,536-character limit), not a missing target.
  if (status === 422 && operation === 'write') {
    return new GitHubAccessError(`report: GitHub refused the write to ${context.where} (422: ${message})`, {
      status,
      cause: error,
    });
  }
  if (status === 404 || status === 422) {
    const what = context.target.kind === 'issue' ? 'no pull request or issue' : 'no commit';
    return new GitHubAccessError(
      `report: ${context.where}: GitHub has ${what} there that this token can see (target '${context.targetInput}'); check the number or SHA, or use target: auto`,
      { status, cause: error },
    );
  }
  // An outage or a dropped connection that outlasted the retries: not a bug to report.
  if (status !== undefined && status >= 500 && (error as { name?: unknown }).name === 'HttpError') {
    return new GitHubAccessError(
      `report: GitHub kept failing on ${context.where} (${status}: ${message}) after retries; re-run the job`,
      { status, cause: error },
    );
  }
  return error;
}

/** The store with every refusal mapped to one line naming the target and the fix. */
export function withAccessErrors(store: CommentStore, context: AccessContext): CommentStore {
  const guard =
    <A extends unknown[], R>(operation: 'read' | 'write', call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw accessError(error, operation, context);
      }
    };
  return {
    readIssueBody: guard('read', store.readIssueBody.bind(store)),
    writeIssueBody: guard('write', store.writeIssueBody.bind(store)),
    listComments: guard('read', store.listComments.bind(store)),
    commentNodes: guard('read', store.commentNodes.bind(store)),
    createComment: guard('write', store.createComment.bind(store)),
    updateComment: guard('write', store.updateComment.bind(store)),
    deleteIssueComment: guard('write', store.deleteIssueComment.bind(store)),
  };
}
