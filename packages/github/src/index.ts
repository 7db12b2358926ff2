export { createGitHubClient } from './client.ts';
export type { GitHubClient, GitHubClientOptions } from './client.ts';
export {
  GitHubRequestError,
  classifyGitHubFailure,
  describeGitHubFailure,
  gitHubError,
  requestError,
  withGitHubErrors,
} from './github-errors.ts';
export type {
  GitHubAnswer,
  GitHubFailure,
  GitHubFailureKind,
  GitHubErrorHints,
  RateLimitFailure,
  RequestInfo,
} from './github-errors.ts';
export type { RepoRef } from './repo-ref.ts';
export { formatRepo } from './repo-ref.ts';
export {
  listIssueComments,
  createIssueComment,
  updateIssueComment,
  deleteIssueComment,
  listCommitComments,
  createCommitComment,
  updateCommitComment,
} from './comments.ts';
export type { CommentId, StoredComment } from './comments.ts';
export { getIssue, setIssueBody, listOpenIssuesWithLabel, createIssue, updateIssue } from './issues.ts';
export type { IssueSummary, LabelledIssue } from './issues.ts';
export { openPullRequestsForHead, createPullRequest, updatePullRequest } from './pulls.ts';
export type { PullRequestHead, PullRequestSummary } from './pulls.ts';
export { fetchCommentNodes } from './authorship.ts';
export type { CommentNode, CommentKind } from './authorship.ts';
export { RefLog } from './ref-log.ts';
export type { RefLogEntry, RefLogOptions } from './ref-log.ts';
