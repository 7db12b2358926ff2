// What the report was doing when GitHub refused, for the one GitHub error
// mapper: which permission each request needs and what to do about a fork.
import { gitHubError, type GitHubErrorHints } from '@mlship/github';
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
  /** The run is a fork's pull_request run, whose token is read-only whatever the workflow asks. */
  fromFork?: boolean | undefined;
}

function permission(context: AccessContext, operation: 'read' | 'write'): string {
  if (context.target.kind === 'commit') return `contents: ${operation}`;
  return context.plainIssue ? `issues: ${operation}` : `pull-requests: ${operation}`;
}

/** The hints for one request of the report on its target. */
export function accessHints(doing: string, operation: 'read' | 'write', context: AccessContext): GitHubErrorHints {
  const what = context.target.kind === 'issue' ? 'no pull request or issue' : 'no commit';
  return {
    doing: `${doing} ${context.where}`,
    permission: permission(context, operation),
    ...(operation === 'write' && context.fromFork
      ? {
          forbidden:
            "this pull request comes from a fork, whose token is read-only whatever the workflow asks; post the report from a workflow_run workflow (see docs/report.md, 'Fork pull requests')",
        }
      : {}),
    notFound: `GitHub has ${what} there that this token can see (target '${context.targetInput}'); check the number or SHA, or use target: auto`,
  };
}

/** The store with every refusal mapped to one line naming the target and the fix. */
export function withAccessErrors(store: CommentStore, context: AccessContext): CommentStore {
  const guard =
    <A extends unknown[], R>(doing: string, operation: 'read' | 'write', call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw gitHubError(error, accessHints(doing, operation, context));
      }
    };
  return {
    readIssueBody: guard('read the description of', 'read', store.readIssueBody.bind(store)),
    writeIssueBody: guard('update the description of', 'write', store.writeIssueBody.bind(store)),
    listComments: guard('list the comments on', 'read', store.listComments.bind(store)),
    commentNodes: guard('look up the comments on', 'read', store.commentNodes.bind(store)),
    createComment: guard('post the report comment on', 'write', store.createComment.bind(store)),
    updateComment: guard('update the report comment on', 'write', store.updateComment.bind(store)),
    deleteIssueComment: guard('delete a duplicate report comment on', 'write', store.deleteIssueComment.bind(store)),
  };
}
