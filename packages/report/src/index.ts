// Markdown building blocks for PR reports. Pure: no I/O, no GitHub calls.
export {
  escapeText,
  escapeHeading,
  escapeProse,
  escapeHtmlText,
  codeSpan,
  codeBlock,
  mermaidLabel,
  checkRunTitle,
  markdownLink,
  CHECK_RUN_TITLE_MAX_CHARS,
} from './escape.ts';
export type { CodeSpanOptions } from './escape.ts';
export { renderTable, escapeTableCell } from './table.ts';
export type { TableOptions, ColumnAlign, TableCell, MarkdownCell } from './table.ts';
export { formatNumber, formatPercent, formatDelta, deltaDirection } from './format.ts';
export type { NumberFormatOptions, DeltaFormatOptions, DeltaDirection } from './format.ts';
export { statusBadge } from './badge.ts';
export type { Status } from './badge.ts';
export { collapsible } from './details.ts';
export { xyChart, barChart, histogramComparison } from './chart.ts';
export type { XyChart, ChartSeries } from './chart.ts';
export { sparkline, unicodeBar } from './sparkline.ts';
export { truncateMarkdown, truncationNote, nextBlockState, COMMENT_LIMIT_CHARS } from './truncate.ts';
export type { TruncateOptions, TruncateResult, BlockState } from './truncate.ts';
export { checkRunOutput, CHECK_RUN_SUMMARY_LIMIT_CHARS } from './check-run.ts';
export type { CheckRunOutput } from './check-run.ts';
export { composeReport, overallStatus, renderSection } from './compose.ts';
export type { ReportSection, ComposeOptions } from './compose.ts';
