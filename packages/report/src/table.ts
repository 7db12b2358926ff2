import { markdownTable } from 'markdown-table';

export type ColumnAlign = 'left' | 'right' | 'center';

export interface TableOptions {
  /** One alignment per column; numbers read best right-aligned. */
  align?: ColumnAlign[];
}

/**
 * Makes one cell safe inside a GFM table row: a `|` would end the cell and a
 * newline the row, so a value like "a|b" or a multi-line message cannot break
 * the table (or, in a sticky report, everything after it).
 */
export function escapeTableCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** A GFM table from a header row and data rows; every cell is escaped. */
export function renderTable(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>,
  options: TableOptions = {},
): string {
  const cells = [header, ...rows].map((row) => row.map(escapeTableCell));
  const align = options.align?.map((a) => a[0]!);
  // Unaligned delimiters keep wide tables (and their share of the 65,536
  // character comment limit) small; GitHub renders both the same.
  return markdownTable(cells, { align, alignDelimiters: false });
}
