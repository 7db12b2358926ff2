// Exact statistics the engine computes in SQL after the streaming pass, when
// what to count is known: the number of values below and at each point of a
// numeric column (the points a profile keeps and the reference's), and exact
// distinct counts. One query over every file of the data set.
import { queryRows, sqlName } from './duckdb-engine.ts';
import { engineError } from './engine-errors.ts';
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
    throw engineError(files[0]!.file, cause);
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
    throw engineError(a[0]?.file ?? column, cause);
  }
  const r = rows[0] ?? {};
  return { d: Number(r.d ?? 0), na: Number(r.na ?? 0), nb: Number(r.nb ?? 0) };
}
