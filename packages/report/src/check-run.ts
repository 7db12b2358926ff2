// What a check run shows: GitHub renders its title as plain text and its
// summary as markdown of at most 65,535 characters.
import { checkRunTitle } from './escape.ts';
import { truncateMarkdown, truncationNote } from './truncate.ts';

/** GitHub's limit for a check run's output.summary (and output.text). */
export const CHECK_RUN_SUMMARY_LIMIT_CHARS = 65_535;

export interface CheckRunOutput {
  title: string;
  summary: string;
}

/**
 * A check run's output: `title` is plain text (it may name a gate or model
 * from config); `summary` is markdown built with the escapers, cut cleanly to
 * GitHub's limit with a note pointing at the run's job summary.
 */
export function checkRunOutput(title: string, summary: string, runUrl?: string): CheckRunOutput {
  return {
    title: checkRunTitle(title),
    summary: truncateMarkdown(summary, { limitChars: CHECK_RUN_SUMMARY_LIMIT_CHARS, note: truncationNote(runUrl) })
      .markdown,
  };
}
