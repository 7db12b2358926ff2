// One tracking issue per model, at most one open: opened when a trigger
// fires, its body replaced with the latest evidence on every run that still
// fires, closed when a window is healthy again. Found by the label (only
// people with triage access can label, so an outsider cannot plant one) and
// the marker on the body's first line, which only this code writes.
import { createIssue, listOpenIssuesWithLabel, updateIssue, type GitHubClient, type RepoRef } from '@mlship/github';
import { truncateMarkdown, truncationNote, COMMENT_LIMIT_CHARS } from '@mlship/report';
import type { MonitorVerdict } from './monitor-verdict.ts';

export const MONITOR_LABEL = 'mlship-monitor';

/** The hidden first line of a model's tracking issue; the name is percent-encoded so it cannot end the comment. */
export function trackingMarker(model: string): string {
  return `<!-- mlship:monitor model="${encodeURIComponent(model)}" -->`;
}

export function isTrackingIssueOf(body: string | null, model: string): boolean {
  return (body ?? '').startsWith(`${trackingMarker(model)}\n`);
}

export type TrackingAction = 'opened' | 'updated' | 'closed' | 'unchanged' | 'none';

export interface TrackingResult {
  action: TrackingAction;
  issueNumber: number | null;
  issueUrl: string | null;
  /** Duplicates another run opened at the same time, closed in favour of the oldest. */
  closedDuplicates: number[];
}

export interface TrackingOptions {
  model: string;
  verdict: MonitorVerdict;
  /** The monitoring section's markdown, already escaped. */
  markdown: string;
  /** The run's page, linked from the note when the evidence had to be cut. */
  runUrl?: string | undefined;
}

export async function syncTrackingIssue(
  client: GitHubClient,
  repo: RepoRef,
  options: TrackingOptions,
): Promise<TrackingResult> {
  const ours = (await listOpenIssuesWithLabel(client, repo, MONITOR_LABEL))
    .filter((i) => isTrackingIssueOf(i.body, options.model))
    .sort((a, b) => a.number - b.number);
  const [open, ...duplicates] = ours;
  for (const d of duplicates) await updateIssue(client, repo, d.number, { state: 'closed' });
  const closedDuplicates = duplicates.map((d) => d.number);
  const { verdict } = options;
  const body = issueBody(options.model, options.markdown, options.runUrl);
  if (verdict.triggers.length > 0) {
    const title = `mlship: retrain ${options.model} (${[...new Set(verdict.triggers.map((t) => t.kind))].join(', ')})`;
    if (!open) {
      const created = await createIssue(client, repo, { title, body, labels: [MONITOR_LABEL] });
      return { action: 'opened', issueNumber: created.number, issueUrl: created.htmlUrl, closedDuplicates };
    }
    if (open.body === body && open.title === title)
      return { action: 'unchanged', issueNumber: open.number, issueUrl: open.htmlUrl, closedDuplicates };
    await updateIssue(client, repo, open.number, { title, body });
    return { action: 'updated', issueNumber: open.number, issueUrl: open.htmlUrl, closedDuplicates };
  }
  // A window without traffic (or too little) cannot say the condition cleared.
  if (verdict.status === 'healthy' && open) {
    await updateIssue(client, repo, open.number, { body, state: 'closed' });
    return { action: 'closed', issueNumber: open.number, issueUrl: open.htmlUrl, closedDuplicates };
  }
  return { action: 'none', issueNumber: open?.number ?? null, issueUrl: open?.htmlUrl ?? null, closedDuplicates };
}

function issueBody(model: string, markdown: string, runUrl: string | undefined): string {
  const marker = `${trackingMarker(model)}\n`;
  const limitChars = COMMENT_LIMIT_CHARS - marker.length;
  return marker + truncateMarkdown(markdown, { limitChars, note: truncationNote(runUrl) }).markdown;
}
