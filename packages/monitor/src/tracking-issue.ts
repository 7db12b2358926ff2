// One tracking issue per model and condition, at most one open: opened when
// the condition fires, its body replaced with the latest evidence on every
// run that still fires, closed when the evidence shows it cleared. Found by
// the condition's label (only people with triage access can label, so an
// outsider cannot plant one) and the marker on the body's first line, which
// only this code writes. The monitor and the scheduled data tests (drift)
// each keep their own issue, so one clearing never closes the other's.
import type { DataTestResult } from '@mlship/data';
import { createIssue, listOpenIssuesWithLabel, updateIssue, type GitHubClient, type RepoRef } from '@mlship/github';
import { truncateMarkdown, truncationNote, COMMENT_LIMIT_CHARS } from '@mlship/report';
import type { MonitorVerdict } from './monitor-verdict.ts';

/** What a tracking issue follows, and its label. */
export const TRACKING_LABELS = { monitor: 'mlship-monitor', drift: 'mlship-drift' } as const;
export type TrackedCondition = keyof typeof TRACKING_LABELS;
export const MONITOR_LABEL = TRACKING_LABELS.monitor;

/** The hidden first line of a model's tracking issue; the name is percent-encoded so it cannot end the comment. */
export function trackingMarker(model: string, condition: TrackedCondition = 'monitor'): string {
  return `<!-- mlship:${condition} model="${encodeURIComponent(model)}" -->`;
}

export function isTrackingIssueOf(
  body: string | null,
  model: string,
  condition: TrackedCondition = 'monitor',
): boolean {
  return (body ?? '').startsWith(`${trackingMarker(model, condition)}\n`);
}

/** firing: open or update the issue under this title; clear: close it; unknown: the evidence cannot say, leave it. */
export type TrackedState = { firing: true; title: string } | { firing: false; cleared: boolean };

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
  /** Default: monitor. */
  condition?: TrackedCondition;
  state: TrackedState;
  /** The report's markdown, already escaped. */
  markdown: string;
  /** The run's page, linked from the note when the evidence had to be cut. */
  runUrl?: string | undefined;
}

/** The monitor fires on any trigger; only a healthy window clears (no traffic, or too little, cannot say). */
export function monitorState(model: string, verdict: MonitorVerdict): TrackedState {
  if (verdict.triggers.length > 0)
    return {
      firing: true,
      title: `mlship: retrain ${model} (${[...new Set(verdict.triggers.map((t) => t.kind))].join(', ')})`,
    };
  return { firing: false, cleared: verdict.status === 'healthy' };
}

/** Scheduled data tests fire when the step fails (its fail-on level reached); a run that passes it clears. */
export function dataTestState(
  model: string,
  result: Pick<DataTestResult, 'failed' | 'drift' | 'expectations'>,
): TrackedState {
  if (!result.failed) return { firing: false, cleared: true };
  const what = [
    ...(result.drift && result.drift.driftedCount > 0 ? ['drift'] : []),
    ...(result.expectations && result.expectations.outcome !== 'pass' ? ['failed expectations'] : []),
  ];
  return { firing: true, title: `mlship: ${model}'s production data (${what.join(', ') || 'data tests'})` };
}

export async function syncTrackingIssue(
  client: GitHubClient,
  repo: RepoRef,
  options: TrackingOptions,
): Promise<TrackingResult> {
  const condition = options.condition ?? 'monitor';
  const ours = (await listOpenIssuesWithLabel(client, repo, TRACKING_LABELS[condition]))
    .filter((i) => isTrackingIssueOf(i.body, options.model, condition))
    .sort((a, b) => a.number - b.number);
  const [open, ...duplicates] = ours;
  for (const d of duplicates) await updateIssue(client, repo, d.number, { state: 'closed' });
  const closedDuplicates = duplicates.map((d) => d.number);
  const { state } = options;
  const body = issueBody(trackingMarker(options.model, condition), options.markdown, options.runUrl);
  if (state.firing) {
    const { title } = state;
    if (!open) {
      const created = await createIssue(client, repo, { title, body, labels: [TRACKING_LABELS[condition]] });
      return { action: 'opened', issueNumber: created.number, issueUrl: created.htmlUrl, closedDuplicates };
    }
    if (open.body === body && open.title === title)
      return { action: 'unchanged', issueNumber: open.number, issueUrl: open.htmlUrl, closedDuplicates };
    await updateIssue(client, repo, open.number, { title, body });
    return { action: 'updated', issueNumber: open.number, issueUrl: open.htmlUrl, closedDuplicates };
  }
  if (state.cleared && open) {
    await updateIssue(client, repo, open.number, { body, state: 'closed' });
    return { action: 'closed', issueNumber: open.number, issueUrl: open.htmlUrl, closedDuplicates };
  }
  return { action: 'none', issueNumber: open?.number ?? null, issueUrl: open?.htmlUrl ?? null, closedDuplicates };
}

function issueBody(marker: string, markdown: string, runUrl: string | undefined): string {
  const limitChars = COMMENT_LIMIT_CHARS - marker.length - 1;
  return `${marker}\n${truncateMarkdown(markdown, { limitChars, note: truncationNote(runUrl) }).markdown}`;
}
