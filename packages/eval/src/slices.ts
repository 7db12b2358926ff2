// Segments of the holdout by a column's value or by numeric ranges, as row
// index lists, so every metric and the bootstrap run unchanged on a slice.

export type SliceColumn =
  | { kind: 'numeric'; values: Float64Array; nulls?: Uint8Array }
  | { kind: 'categorical'; codes: Int32Array; dictionary: string[] };

export interface SliceSpec {
  column: string;
  /** Numeric range edges: [a, b] gives < a, [a, b), ≥ b. Without edges, one slice per value. */
  bins?: number[];
  /** At most this many value slices (the most frequent); the rest are not sliced. */
  maxValues?: number;
}

export interface Slice {
  /** e.g. "island = Biscoe" or "body_mass_g in [3500, 4500)". */
  name: string;
  column: string;
  rows: Int32Array;
}

const MISSING = '(missing)';

export function sliceRows(spec: SliceSpec, column: SliceColumn): Slice[] {
  const groups = new Map<string, number[]>();
  const add = (key: string, row: number) => {
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(row);
  };
  if (spec.bins) {
    if (column.kind !== 'numeric') throw new RangeError(`slice column '${spec.column}' has bins but is not numeric`);
    const edges = [...spec.bins].sort((a, b) => a - b);
    const labels = binLabels(spec.column, edges);
    for (let i = 0; i < column.values.length; i++) {
      const v = column.values[i]!;
      if (column.nulls?.[i] || Number.isNaN(v)) add(`${spec.column} = ${MISSING}`, i);
      else {
        let bin = 0;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: past the last edge `v >= undefined` is false, so the bound only guards what the comparison already stops
        while (bin < edges.length && v >= edges[bin]!) bin++;
        add(labels[bin]!, i);
      }
    }
    const order = [...labels, `${spec.column} = ${MISSING}`];
    return order
      .filter((k) => groups.has(k))
      .map((name) => ({ name, column: spec.column, rows: Int32Array.from(groups.get(name)!) }));
  }
  const n = column.kind === 'numeric' ? column.values.length : column.codes.length;
  for (let i = 0; i < n; i++) add(`${spec.column} = ${valueOf(column, i)}`, i);
  return [...groups.entries()]
    .sort(mostRowsFirst)
    .slice(0, spec.maxValues ?? 20)
    .map(([name, rows]) => ({ name, column: spec.column, rows: Int32Array.from(rows) }));
}

/** Most rows first; equal counts in name order. */
function mostRowsFirst(a: [string, number[]], b: [string, number[]]): number {
  // Stryker disable next-line EqualityOperator: slice names are map keys, never equal, so < and <= order them alike
  return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1);
}

function valueOf(column: SliceColumn, row: number): string {
  if (column.kind === 'categorical') {
    const code = column.codes[row]!;
    return code < 0 ? MISSING : column.dictionary[code]!;
  }
  return column.nulls?.[row] || Number.isNaN(column.values[row]) ? MISSING : String(column.values[row]);
}

function binLabels(name: string, edges: number[]): string[] {
  const labels = [`${name} < ${edges[0]}`];
  for (let k = 1; k < edges.length; k++) labels.push(`${name} in [${edges[k - 1]}, ${edges[k]})`);
  labels.push(`${name} ≥ ${edges[edges.length - 1]}`);
  return labels;
}
