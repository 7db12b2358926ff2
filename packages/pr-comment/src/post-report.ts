// postReport: what the report action and `mlship report` both run.
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import type { CommentId } from '@mlship/github';
import { COMMENT_LIMIT_CHARS, truncateMarkdown, truncationNote } from '@mlship/report';
import { withAccessErrors } from './access-errors.ts';
import type { CommentStore } from './comment-store.ts';
import { upsertStickyComment, type StickyAction } from './sticky-comment.ts';
import { defaultReportKey, ReportKeySchema, stickyBody, type ReportKey } from './sticky-marker.ts';
import {
  describeTarget,
  resolveTarget,
  TargetInputSchema,
  type EventContext,
  type ReportTarget,
  type TargetLookups,
} from './target.ts';

/** The report action's inputs; the CLI builds the same object from flags. */
export const ReportInputsSchema = z.object({
  /** Path of the markdown report. */
  report: z.string().min(1),
  target: TargetInputSchema.default('auto'),
  /** Sticky key; default "<workflow>/<job>". */
  key: ReportKeySchema.optional(),
  token: z.string().min(1),
});

export type ReportInputs = z.infer<typeof ReportInputsSchema>;

export interface PostReportOptions {
  reportPath: string;
  target: z.infer<typeof TargetInputSchema>;
  key?: ReportKey | undefined;
  /** Resolve the target and build the comment, but write nothing. */
  dryRun?: boolean;
}

export interface PostReportDeps {
  store: CommentStore;
  lookups: TargetLookups;
  context: EventContext & { workflow?: string | undefined; job?: string | undefined };
  /** The run is a fork's pull_request run: its token cannot write, whatever the workflow asks. */
  fromFork?: boolean | undefined;
  /** Reads the report; rejects with an ENOENT-coded error when it is missing. */
  readReport(path: string): Promise<string>;
  /** Writes the full report to the job summary (absent outside Actions). */
  writeSummary?: ((markdown: string) => Promise<void>) | undefined;
  /** The run's page, linked from the truncation note. */
  runUrl?: string | undefined;
  warn?: ((message: string) => void) | undefined;
}

export interface PostReportResult {
  target: ReportTarget;
  /** e.g. "octo/x#12" */
  where: string;
  key: ReportKey;
  /** 'dry-run' when nothing was written. */
  action: StickyAction | 'dry-run';
  commentId: CommentId | undefined;
  commentUrl: string | undefined;
  truncated: boolean;
  /** The comment body posted (or that would be). */
  body: string;
}

/** GitHub's job summary limit per step, in bytes. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** The report cut to fit the job summary, which counts UTF-8 bytes. */
export function summaryMarkdown(report: string): string {
  const note = '> [!NOTE]\n> This report was cut to fit the 1 MiB job summary limit.\n';
  let limitChars = Math.min(report.length, SUMMARY_LIMIT_BYTES);
  // Each step shrinks by the overshoot ratio; a handful always suffices.
  for (let step = 0; step < 20; step++) {
    const { markdown } = truncateMarkdown(report, { note, limitChars });
    const bytes = Buffer.byteLength(markdown);
    if (bytes <= SUMMARY_LIMIT_BYTES) return markdown;
    limitChars = Math.floor(limitChars * (SUMMARY_LIMIT_BYTES / bytes) * 0.98);
  }
  return note;
}

async function readReportFile(deps: PostReportDeps, path: string): Promise<string> {
  try {
    return await deps.readReport(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT')
      throw new InputError(
        `report: the report file '${path}' does not exist; write it before this step or fix the path (input 'report')`,
        { cause: error },
      );
    if (code === 'EISDIR')
      throw new InputError(`input 'report': '${path}' is a directory; give the markdown file's path`, { cause: error });
    throw error;
  }
}

/**
 * Posts the markdown report as the sticky comment for its key: resolves the
 * target, cuts the report to GitHub's comment limit at a clean boundary, writes
 * the full report to the job summary, then creates or updates the comment.
 */
export async function postReport(options: PostReportOptions, deps: PostReportDeps): Promise<PostReportResult> {
  const report = await readReportFile(deps, options.reportPath);
  const key = options.key ?? defaultReportKey(deps.context.workflow, deps.context.job);
  const { markdown, truncated } = truncateMarkdown(report, {
    // Outside Actions there is no job summary to point at.
    note: deps.writeSummary
      ? truncationNote(deps.runUrl)
      : "> [!NOTE]\n> This report was cut to fit GitHub's comment limit.\n",
    limitChars: COMMENT_LIMIT_CHARS - stickyBody(key, '').length,
  });
  const body = stickyBody(key, markdown);
  // The summary first: the full report survives even if commenting fails.
  if (!options.dryRun) await deps.writeSummary?.(summaryMarkdown(report));

  const { target, bodyHint, plainIssue } = await resolveTarget(options.target, deps.context, deps.lookups);
  const where = describeTarget(deps.context.repo, target);
  const common = { target, where, key, truncated, body };
  if (options.dryRun) return { ...common, action: 'dry-run', commentId: undefined, commentUrl: undefined };

  const store = withAccessErrors(deps.store, {
    where,
    target,
    targetInput: options.target,
    plainIssue,
    fromFork: deps.fromFork,
  });
  const posted = await upsertStickyComment(store, target, body, { key, bodyHint, warn: deps.warn });
  return { ...common, action: posted.action, commentId: posted.commentId, commentUrl: posted.commentUrl };
}
