import { markdownTable } from 'markdown-table';
import { escapeText } from './escape.ts';

export type ColumnAlign = 'left' | 'right' | 'center';

export interface TableOptions {
  /** One alignment per column; numbers read best right-aligned. */
  align?: ColumnAlign[];
}

/**
 * A cell that is already markdown, built with the escapers for a table cell
 * (`escapeText`, `codeSpan(x, { table: true })`), e.g. a column name as code.
 */
export interface MarkdownCell {
  readonly markdown: string;
}

/** Plain text (shown as written), a number, empty, or markdown built for a cell. */
export type TableCell = string | number | null | undefined | MarkdownCell;

/**
 * One cell of a GFM table row. Text is escaped as plain text, line by line,
 * the lines joined with `<br>` (a newline would end the row); a markdown cell
 * only has its newlines replaced, its parts being escaped for the cell already.
 */
export function escapeTableCell(cell: TableCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'object') return cell.markdown.replace(/\r\n|\r|\n/g, '<br>');
  return String(cell)
    .split(/\r\n|\r|\n/)
    .map(escapeText)
    .join('<br>');
}

/** A GFM table from a header row and data rows; every cell is escaped. */
export function renderTable(
  header: readonly TableCell[],
  rows: ReadonlyArray<readonly TableCell[]>,
  options: TableOptions = {},
): string {
  const cells = [header, ...rows].map((row) => row.map(escapeTableCell));
  const align = options.align?.map((a) => a[0]!);
  // Unaligned delimiters keep wide tables (and their share of the 65,536
  // character comment limit) small; GitHub renders both the same.
  return markdownTable(cells, { align, alignDelimiters: false });
}
