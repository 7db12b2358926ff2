// Posting a markdown report as a sticky PR/issue/commit comment: the report
// action and `mlship report` both call postReport.
export { postReport, ReportInputsSchema, summaryMarkdown, SUMMARY_LIMIT_BYTES } from './post-report.ts';
export type { PostReportOptions, PostReportDeps, PostReportResult, ReportInputs } from './post-report.ts';
export { createReportDeps } from './runtime.ts';
export type { ReportRuntime } from './runtime.ts';
export { resolveTarget, describeTarget, TargetInputSchema } from './target.ts';
export type { ReportTarget, TargetInput, EventContext, TargetLookups, ResolvedTarget } from './target.ts';
export { upsertStickyComment } from './sticky-comment.ts';
export type { StickyAction, StickyResult, StickyOptions } from './sticky-comment.ts';
export { ReportKeySchema, defaultReportKey, stickyBody, stickyMarker, withCommentPointer } from './sticky-marker.ts';
export type { ReportKey } from './sticky-marker.ts';
export { gitHubCommentStore } from './comment-store.ts';
export type { CommentStore } from './comment-store.ts';
export { accessHints, withAccessErrors } from './access-errors.ts';
export type { AccessContext } from './access-errors.ts';
