// Charts as mermaid code blocks: github.com renders them itself, so a report
// needs no image host and private numbers never leave GitHub (CML uploads
// images to a public host). Where mermaid does not render (e-mail
// notifications, the CLI), the fenced source still reads as data.
import { mermaidLabel } from './escape.ts';

export interface ChartSeries {
  kind: 'bar' | 'line';
  /** One value per x-axis category; not shown in the chart (xychart-beta has no legend). */
  name?: string;
  values: readonly number[];
}

export interface XyChart {
  title: string;
  /** Category labels along the x axis, e.g. slices or histogram bins. */
  categories: readonly string[];
  yLabel?: string;
  /** Fixed y range, e.g. [0, 1] for accuracy; default: mermaid's own. */
  yRange?: readonly [number, number];
  series: readonly ChartSeries[];
}

function number(value: number): string {
  // Mermaid cannot plot NaN/Infinity; 0 keeps the bar positions aligned.
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : '0';
}

/** A `xychart-beta` mermaid block (bars and/or lines over categories). */
export function xyChart(chart: XyChart): string {
  for (const s of chart.series) {
    if (s.values.length !== chart.categories.length) {
      throw new RangeError(
        `chart '${chart.title}': series has ${s.values.length} values for ${chart.categories.length} categories`,
      );
    }
  }
  const lines = ['```mermaid', 'xychart-beta', `    title ${mermaidLabel(chart.title)}`];
  lines.push(`    x-axis [${chart.categories.map(mermaidLabel).join(', ')}]`);
  const range = chart.yRange ? ` ${number(chart.yRange[0])} --> ${number(chart.yRange[1])}` : '';
  if (chart.yLabel !== undefined || range) lines.push(`    y-axis ${mermaidLabel(chart.yLabel ?? '')}${range}`);
  for (const s of chart.series) lines.push(`    ${s.kind} [${s.values.map(number).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

/** One metric per slice as bars. */
export function barChart(
  title: string,
  values: ReadonlyArray<{ label: string; value: number }>,
  yLabel?: string,
): string {
  return xyChart({
    title,
    categories: values.map((v) => v.label),
    ...(yLabel === undefined ? {} : { yLabel }),
    series: [{ kind: 'bar', values: values.map((v) => v.value) }],
  });
}

/**
 * Reference vs current over the same bins: reference as bars, current as a
 * line on top, because xychart-beta draws several bar series over each other.
 */
export function histogramComparison(
  title: string,
  bins: readonly string[],
  reference: readonly number[],
  current: readonly number[],
): string {
  return xyChart({
    title: `${title} (bars: reference, line: current)`,
    categories: bins,
    series: [
      { kind: 'bar', name: 'reference', values: reference },
      { kind: 'line', name: 'current', values: current },
    ],
  });
}
