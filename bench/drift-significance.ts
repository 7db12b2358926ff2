// Simulation: the drift significance gate alone (q <= alpha, whatever the
// effect size) on pairs of samples from one distribution, at n = 500, 5,000,
// 200,000 and 3,000,000 rows per side, 40 runs each; then its power on a
// shifted copy. Each sample is a Parquet file the engine profiles, as a job
// would. Columns: x ~ Normal(0, 1); delay, integers with heavy ties and a long
// tail (like flights' delays); c, 12 categories; u, up to 5,000 skewed
// categories (past the top values' capacity, so its counts carry an error
// bound). Two paths: against the reference *profile* (the bounded KS test,
// what a published reference gives) and against the reference *data* (the
// exact KS statistic over both). Prints the share of runs with any column
// significant (family-wise false alarms) and the power to see a shift of
// x by 0.05 and 0.2 standard deviations.
// MLSHIP_SIM_SIZES (default 500,5000,200000,3000000), MLSHIP_SIM_RUNS (40),
// MLSHIP_SIM_POWER_RUNS (20), MLSHIP_SIM_BUDGET_S (seconds per size, default
// none): past it a size stops after the run under way and prints the rates of
// the runs it did, with their counts (power runs come after the no-change
// runs, so they are the first to go). Each run prints a progress line on stderr.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compareProfiles, exactKsStatistics, loadReference, profileData, type DriftReport } from '@mlship/data';

const SIZES = (process.env.MLSHIP_SIM_SIZES ?? '500,5000,200000,3000000').split(',').map(Number);
const RUNS = Number(process.env.MLSHIP_SIM_RUNS ?? 40);
const POWER_RUNS = Number(process.env.MLSHIP_SIM_POWER_RUNS ?? 20);
const BUDGET_MS = Number(process.env.MLSHIP_SIM_BUDGET_S ?? Infinity) * 1000;
const ALPHA = 0.05;
const dir = join(import.meta.dirname, 'out', 'drift-significance');
mkdirSync(dir, { recursive: true });

const { DuckDBInstance } = await import('@duckdb/node-api');
const connection = await (await DuckDBInstance.create(':memory:')).connect();

/**
 * Writes one sample. Each draw is the hash of one integer unique to (row, draw, seed): DuckDB's
 * hash of several arguments combines them too weakly (two draws of a row correlate at 0.57).
 */
async function sample(n: number, seed: number, shiftSd: number): Promise<string> {
  const path = join(dir, `s-${n}-${seed}-${shiftSd}.parquet`);
  const u = (k: number) => `((hash(i * 8 + ${k} + ${seed}::BIGINT * 1000000007) >> 11)::DOUBLE / 9007199254740992.0)`;
  const normal = (a: number, b: number) => `(sqrt(-2 * ln(1 - ${u(a)})) * cos(2 * pi() * ${u(b)}))`;
  await connection.run(`COPY (
    SELECT ${normal(1, 2)} + ${shiftSd} AS x,
           round(exp(1.2 * ${normal(3, 4)}) * 8 - 10)::INTEGER AS delay,
           'c' || floor(12 * ${u(5)} * ${u(5)})::INTEGER AS c,
           'u' || floor(5000 * pow(${u(6)}, 3))::INTEGER AS u
    FROM range(${n}) t(i)) TO '${path}' (FORMAT parquet)`);
  return path;
}

interface Outcome {
  /** Any compared column with q <= alpha. */
  any: boolean;
  x: boolean;
}

function judge(report: DriftReport): Outcome {
  const significant = report.columns.filter((c) => c.skipped === null && c.qValue <= ALPHA).map((c) => c.column);
  return { any: significant.length > 0, x: significant.includes('x') };
}

async function pair(n: number, seed: number, shiftSd: number): Promise<{ bounded: Outcome; exact: Outcome }> {
  const a = await sample(n, 2 * seed, 0);
  const b = await sample(n, 2 * seed + 1, shiftSd);
  const reference = await loadReference(a);
  const current = await profileData(b, { reference: reference.profile });
  const bounded = judge(compareProfiles(reference.profile, current.profile));
  const exact = judge(
    compareProfiles(reference.profile, current.profile, {}, await exactKsStatistics(reference, current)),
  );
  rmSync(a);
  rmSync(b);
  return { bounded, exact };
}

const share = (xs: boolean[]) =>
  xs.length === 0
    ? '-'
    : `${xs.filter(Boolean).length}/${xs.length} (${((100 * xs.filter(Boolean).length) / xs.length).toFixed(1)}%)`;

console.log(
  `significance gate alone (q <= ${ALPHA}, Benjamini-Hochberg over 4 columns), no change: ${RUNS} runs per size`,
);
console.log(
  'n per side      false alarms vs profile   vs data (exact KS)   power x+0.05sd (profile / data)   x+0.2sd (profile / data)',
);
for (const n of SIZES) {
  const started = performance.now();
  const inBudget = () => performance.now() - started < BUDGET_MS;
  const progress = (what: string, o: { bounded: Outcome; exact: Outcome }) =>
    console.error(
      `  n=${n} ${what}: profile ${o.bounded.any ? 'alarm' : 'quiet'}, data ${o.exact.any ? 'alarm' : 'quiet'} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  const same: { bounded: Outcome; exact: Outcome }[] = [];
  for (let r = 0; r < RUNS && inBudget(); r++) {
    same.push(await pair(n, r, 0));
    progress(`no change ${r + 1}/${RUNS}`, same.at(-1)!);
  }
  const small: { bounded: Outcome; exact: Outcome }[] = [];
  const large: { bounded: Outcome; exact: Outcome }[] = [];
  for (let r = 0; r < POWER_RUNS && inBudget(); r++) {
    small.push(await pair(n, 1000 + r, 0.05));
    large.push(await pair(n, 2000 + r, 0.2));
    const seen = (o: { bounded: Outcome; exact: Outcome }) =>
      `profile ${o.bounded.x ? 'sees' : 'misses'} x, data ${o.exact.x ? 'sees' : 'misses'} x`;
    console.error(
      `  n=${n} power ${r + 1}/${POWER_RUNS}: shift 0.05 sd ${seen(small.at(-1)!)}; shift 0.2 sd ${seen(large.at(-1)!)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  console.log(
    `${n.toLocaleString('en-US').padEnd(15)} ${share(same.map((o) => o.bounded.any)).padEnd(25)} ${share(same.map((o) => o.exact.any)).padEnd(20)} ${`${share(small.map((o) => o.bounded.x))} / ${share(small.map((o) => o.exact.x))}`.padEnd(33)} ${share(large.map((o) => o.bounded.x))} / ${share(large.map((o) => o.exact.x))}   (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}
