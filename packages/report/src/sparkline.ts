// Unicode charts small enough for a table cell: they render in every markdown
// viewer, mermaid or not.

const TICKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** "▁▃▅█": each value scaled between the series' min and max; gaps for non-finite values. */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return ' '.repeat(values.length);
  const min = Math.min(...finite);
  const span = Math.max(...finite) - min;
  return values
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      const level = span === 0 ? 3 : Math.round(((v - min) / span) * (TICKS.length - 1));
      return TICKS[level]!;
    })
    .join('');
}

/** A horizontal bar of `widthChars` cells for value/max, in eighths of a cell. */
export function unicodeBar(value: number, max: number, widthChars = 10): string {
  if (!Number.isFinite(value) || !Number.isFinite(max) || max <= 0 || value <= 0) return '';
  const eighths = Math.round(Math.min(value / max, 1) * widthChars * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}
