// Exact statistics the engine computes in SQL after the streaming pass, when
// what to count is known: the number of values below and at each point of a
// numeric column (the points a profile keeps and the reference's), and exact
// distinct counts. One query over every file of the data set.
import { queryRows, sqlName } from './duckdb-engine.ts';
import { engineError } from './engine-errors.ts';
import type { ColumnBatch } from '../read/columns.ts';
import type { ScannedFile } from './scan-columns.ts';

export interface PointCounts {
  points: Float64Array;
  /** Finite values < point. */
  below: Float64Array;
  /** Finite values <= point. */
  atOrBelow: Float64Array;
}

export interface ExactRequest {
  /** Numeric columns and the sorted, distinct finite points to count at. */
  points: Map<string, Float64Array>;
  /** Columns whose distinct values to count. */
  distinct: string[];
}

export interface ExactCounts {
  points: Map<string, PointCounts>;
  distinct: Map<string, number>;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The largest double below x (x finite). */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] = i64[0]! + (x > 0 ? -1n : 1n);
  return f64[0]!;
}

function literal(v: number): string {
  // Round-trips exactly: JS prints the shortest decimal that parses back to the same double.
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? `${v}.0` : v.toExponential();
}

/**
 * The union of every file's columns, as the scan read them. A column of
 * only nulls in one file is text there (its kind unknown): it takes the
 * type of the numeric columns named.
 */
function unionOf(files: readonly ScannedFile[], names: readonly string[], numeric: ReadonlySet<string>): string {
  return files
    .map(({ plan }) => {
      const select = names.map((name) => {
        const c = plan.columns.find((x) => x.name === name);
        const type = numeric.has(name) ? 'DOUBLE' : 'VARCHAR';
        const sql = !c
          ? `NULL::${type}`
          : (c.kind === 'numeric') === numeric.has(name)
            ? c.sql
            : `TRY_CAST(${c.sql} AS ${type})`;
        return `${sql} AS ${sqlName(name)}`;
      });
      return `SELECT ${select.join(', ')} FROM ${plan.unorderedFrom}`;
    })
    .join(' UNION ALL ');
}

export async function exactCounts(files: readonly ScannedFile[], request: ExactRequest): Promise<ExactCounts> {
  const result: ExactCounts = { points: new Map(), distinct: new Map() };
  const numeric = [...request.points].filter(([, p]) => p.length > 0);
  const names = [...new Set([...numeric.map(([n]) => n), ...request.distinct])];
  if (names.length === 0 || files.length === 0) return result;
  const aggregates: string[] = [];
  numeric.forEach(([name, points], i) => {
    // Bins are (previous boundary, boundary]: with the double just below each point as a boundary
    // too, one histogram gives the count below the point and the count at it.
    const boundaries: string[] = [];
    points.forEach((p, k) => {
      // Adjacent doubles: the point before already is the boundary just below this one.
      if (k === 0 || nextDown(p) !== points[k - 1]) boundaries.push(literal(nextDown(p)));
      boundaries.push(literal(p));
    });
    aggregates.push(
      `histogram(${sqlName(name)}, [${boundaries.join(', ')}]::DOUBLE[]) FILTER (WHERE isfinite(${sqlName(name)})) AS h${i}`,
    );
  });
  request.distinct.forEach((name, i) => aggregates.push(`count(DISTINCT ${sqlName(name)}) AS d${i}`));
  let row: Record<string, unknown> | undefined;
  try {
    const numericNames = new Set(request.points.keys());
    [row] = await queryRows(`SELECT ${aggregates.join(', ')} FROM (${unionOf(files, names, numericNames)})`);
  } catch (cause) {
    throw await engineError(files[0]!.file, cause);
  }
  numeric.forEach(([name, points], i) => {
    const bins = new Map<number, number>();
    for (const { key, value } of (row?.[`h${i}`] as { key: number; value: bigint | number }[] | null) ?? [])
      bins.set(key, Number(value));
    const below = new Float64Array(points.length);
    const atOrBelow = new Float64Array(points.length);
    let cumulative = 0;
    points.forEach((p, k) => {
      if (k === 0 || nextDown(p) !== points[k - 1]) cumulative += bins.get(nextDown(p)) ?? 0;
      below[k] = cumulative;
      cumulative += bins.get(p) ?? 0;
      atOrBelow[k] = cumulative;
    });
    result.points.set(name, { points, below, atOrBelow });
  });
  request.distinct.forEach((name, i) => result.distinct.set(name, Number(row?.[`d${i}`] ?? 0)));
  return result;
}

/**
 * The exact two-sample KS statistic D = sup |F_a - F_b| of a numeric column
 * over two data sets' finite values, computed by the engine over both in full.
 */
export async function exactKolmogorovSmirnov(
  a: readonly ScannedFile[],
  b: readonly ScannedFile[],
  column: string,
): Promise<{ d: number; na: number; nb: number }> {
  const x = sqlName(column);
  const numeric = new Set([column]);
  const sql = `
    WITH v AS (
      SELECT ${x} AS x, 0 AS side FROM (${unionOf(a, [column], numeric)}) WHERE isfinite(${x})
      UNION ALL
      SELECT ${x} AS x, 1 AS side FROM (${unionOf(b, [column], numeric)}) WHERE isfinite(${x})
    ),
    counts AS (SELECT x, count(*) FILTER (WHERE side = 0) AS ca, count(*) FILTER (WHERE side = 1) AS cb FROM v GROUP BY x),
    totals AS (SELECT sum(ca) AS na, sum(cb) AS nb FROM counts),
    steps AS (SELECT sum(ca) OVER w AS fa, sum(cb) OVER w AS fb FROM counts WINDOW w AS (ORDER BY x ROWS UNBOUNDED PRECEDING))
    SELECT coalesce(max(abs(fa / na - fb / nb)), 0) AS d, any_value(na) AS na, any_value(nb) AS nb FROM steps, totals`;
  let rows: Record<string, unknown>[];
  try {
    rows = await queryRows(sql);
  } catch (cause) {
    throw await engineError(a[0]?.file ?? column, cause);
  }
  const r = rows[0] ?? {};
  return { d: Number(r.d ?? 0), na: Number(r.na ?? 0), nb: Number(r.nb ?? 0) };
}

/** What the pass may hold for counting it exactly without reading the data again (MLSHIP_EXACT_HOLD_MIB). */
export const EXACT_HOLD_BYTES = Number(process.env.MLSHIP_EXACT_HOLD_MIB ?? 192) * 1024 ** 2;

/** Distinct values a numeric column is held as (value, count) pairs up to; past it, its values one by one. */
const COUNTED_VALUES = 1 << 16;
/** Bytes a held Map entry or Set entry costs, beyond a string's characters. */
const ENTRY_BYTES = 48;

/** A numeric column's non-null values: counts per distinct value while they are few, then every value. */
class HeldNumbers {
  counts: Map<number, number> | undefined = new Map();
  values = new Float64Array(0);
  size = 0;

  /** Adds the batch's non-null values; returns the bytes it now holds more. */
  add(values: Float64Array, nulls: Uint8Array): number {
    let grew = 0;
    const counts = this.counts;
    if (counts) {
      const before = counts.size;
      for (let i = 0; i < values.length; i++) {
        if (nulls[i] === 1) continue;
        const v = values[i]!;
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      grew += (counts.size - before) * ENTRY_BYTES;
      if (counts.size <= COUNTED_VALUES) return grew;
      // Too many distinct values to count apart: every value, one by one, from here on.
      let total = 0;
      for (const n of counts.values()) total += n;
      grew += this.reserve(total) - counts.size * ENTRY_BYTES;
      for (const [v, n] of counts) this.values.fill(v, this.size, (this.size += n));
      this.counts = undefined;
      return grew;
    }
    grew += this.reserve(this.size + values.length);
    const out = this.values;
    let size = this.size;
    for (let i = 0; i < values.length; i++) if (nulls[i] === 0) out[size++] = values[i]!;
    this.size = size;
    return grew;
  }

  private reserve(capacity: number): number {
    if (capacity <= this.values.length) return 0;
    const grown = new Float64Array(Math.max(capacity, Math.floor(1.5 * this.values.length)));
    grown.set(this.values.subarray(0, this.size));
    const more = grown.byteLength - this.values.byteLength;
    this.values = grown;
    return more;
  }

  /** The sorted distinct values (NaN last, once) with their counts. */
  sorted(): { values: Float64Array; weights: Float64Array | undefined } {
    if (this.counts) {
      const values = Float64Array.from(this.counts.keys()).sort();
      return { values, weights: values.map((v) => this.counts!.get(v)!) };
    }
    return { values: this.values.subarray(0, this.size).sort(), weights: undefined };
  }
}

/**
 * Holds, during the streaming pass, what the exact counts need (each numeric
 * column's non-null values, as counts per value while they are few; each text
 * column's distinct values), so that a data set parsed row by row (CSV, JSON)
 * is not parsed a second time for them. Past `budget` bytes it lets go of
 * everything and `counts` gives undefined: the counts then come from one more
 * query (`exactCounts`), so memory stays bounded whatever the size of the
 * data. Parquet is not held: the engine reads its numeric columns again for
 * less than holding them costs.
 */
export class ExactCountCollector {
  private numbers = new Map<string, HeldNumbers>();
  private texts = new Map<string, Set<string>>();
  private bytes = 0;
  private given: boolean;
  private readonly budget: number;

  constructor(budget = EXACT_HOLD_BYTES) {
    this.budget = budget;
    this.given = !(budget > 0);
  }

  private letGo(): void {
    this.given = true;
    this.numbers = new Map();
    this.texts = new Map();
  }

  add(batch: ColumnBatch): void {
    if (this.given) return;
    if (/\.(parquet|pq)$/i.test(batch.source.file)) return this.letGo();
    for (const [name, column] of batch.columns) {
      if (column.kind === 'numeric') {
        let held = this.numbers.get(name);
        if (!held) {
          // A column of only nulls so far has no kind yet (a JSON key, a shard's empty column).
          if (column.nulls.indexOf(0) < 0) continue;
          if (this.texts.has(name)) return this.letGo();
          this.numbers.set(name, (held = new HeldNumbers()));
        }
        this.bytes += held.add(column.values, column.nulls);
      } else {
        let held = this.texts.get(name);
        if (!held) {
          if (column.dictionary.length === 0) continue;
          if (this.numbers.has(name)) return this.letGo();
          this.texts.set(name, (held = new Set()));
        }
        // A batch's dictionary holds exactly the values its rows use.
        for (const text of column.dictionary) {
          if (held.has(text)) continue;
          held.add(text);
          this.bytes += ENTRY_BYTES + 2 * text.length;
        }
      }
      if (this.bytes > this.budget) return this.letGo();
    }
  }

  /** The exact counts for `request` from what was held, or undefined when it let go. */
  counts(request: ExactRequest): ExactCounts | undefined {
    if (this.given) return undefined;
    const result: ExactCounts = { points: new Map(), distinct: new Map() };
    const distinct = new Set(request.distinct);
    for (const [name, points] of request.points) {
      if (this.texts.has(name)) return undefined;
      const { values, weights } = this.numbers.get(name)?.sorted() ?? {
        values: new Float64Array(0),
        weights: undefined,
      };
      if (points.length > 0) result.points.set(name, countAtPoints(values, weights, points));
      if (distinct.has(name)) result.distinct.set(name, distinctSorted(values));
    }
    for (const name of request.distinct) {
      if (result.distinct.has(name)) continue;
      if (this.numbers.has(name)) return undefined;
      result.distinct.set(name, this.texts.get(name)?.size ?? 0);
    }
    return result;
  }
}

/** Finite values below and at or below each sorted point, over sorted values (each `weights[i]` times). */
function countAtPoints(sorted: Float64Array, weights: Float64Array | undefined, points: Float64Array): PointCounts {
  const below = new Float64Array(points.length);
  const atOrBelow = new Float64Array(points.length);
  let i = 0;
  while (i < sorted.length && sorted[i] === Number.NEGATIVE_INFINITY) i++;
  let count = 0;
  for (let k = 0; k < points.length; k++) {
    const p = points[k]!;
    for (; i < sorted.length && sorted[i]! < p; i++) count += weights ? weights[i]! : 1;
    below[k] = count;
    for (; i < sorted.length && sorted[i]! === p; i++) count += weights ? weights[i]! : 1;
    atOrBelow[k] = count;
  }
  return { points, below, atOrBelow };
}

/** Distinct values of sorted numbers, NaN (sorted last) counted once; -0 and 0 are one value. */
function distinctSorted(sorted: Float64Array): number {
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (Number.isNaN(v)) return count + 1;
    if (i === 0 || v !== sorted[i - 1]) count++;
  }
  return count;
}
