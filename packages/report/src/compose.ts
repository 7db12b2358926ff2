import { statusBadge, type Status } from './badge.ts';
import { escapeHeading } from './escape.ts';

/** One area's contribution to the PR report (data tests, drift, validation, registry...). */
export interface ReportSection {
  /** Stable id, unique in a report, e.g. "drift". */
  id: string;
  /** Plain text, escaped as a heading (it may name a model or data set). */
  title: string;
  markdown: string;
  /** Drives ordering and the heading badge; 'info' sections carry no badge. */
  severity: Status | 'info';
}

export interface ComposeOptions {
  /** The report's heading (h2), plain text. */
  title: string;
  /** Markdown after the sections, e.g. a link to the run; built with the escapers. */
  footer?: string;
}

// What a reviewer must act on comes first.
const ORDER: Record<ReportSection['severity'], number> = { fail: 0, warn: 1, inconclusive: 2, pass: 3, info: 4 };

/** The overall status: the worst section's, or undefined when no section has one. */
export function overallStatus(sections: readonly ReportSection[]): Status | undefined {
  const worst = [...sections].sort((a, b) => ORDER[a.severity] - ORDER[b.severity])[0];
  return worst === undefined || worst.severity === 'info' ? undefined : worst.severity;
}

/**
 * One section on its own, under its badged h3 heading: what a step writes to
 * its report file and job summary, so files concatenated in a workflow still
 * read as one report.
 */
export function renderSection(section: ReportSection): string {
  const badge = section.severity === 'info' ? '' : `${statusBadge(section.severity).split(' ')[0]} `;
  return `### ${badge}${escapeHeading(section.title)}\n\n${section.markdown.trim()}\n`;
}

/**
 * One markdown report from sections: failing sections first, then warnings,
 * inconclusive, passing and informational ones; the order among sections of
 * the same severity is kept. Each section is an h3 with its status badge.
 */
export function composeReport(sections: readonly ReportSection[], options: ComposeOptions): string {
  const ids = new Set<string>();
  for (const s of sections) {
    if (ids.has(s.id)) throw new RangeError(`report section id '${s.id}' is used twice`);
    ids.add(s.id);
  }
  const status = overallStatus(sections);
  const parts = [`## ${status ? `${statusBadge(status).split(' ')[0]} ` : ''}${escapeHeading(options.title)}`];
  // Array.prototype.sort is stable, so same-severity sections keep their order.
  for (const s of [...sections].sort((a, b) => ORDER[a.severity] - ORDER[b.severity])) {
    parts.push(renderSection(s).trim());
  }
  if (options.footer) parts.push(options.footer.trim());
  return `${parts.join('\n\n')}\n`;
}
