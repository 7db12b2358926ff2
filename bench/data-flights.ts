// Benchmark: the data job on flights-3m (3,000,000 rows), as Parquet and as
// CSV, beside DuckDB computing the same aggregates in one SQL pass. Prints, in
// one run and per format:
//   duckdb pass   — one SELECT: counts, nulls, NaN/Inf, exact distinct counts,
//                   mean, standard deviation, min, max, seven exact
//                   percentiles, histograms on the reference's cuts, every
//                   value's count of the text columns and their lengths;
//   profile       — `mlship data profile`'s library call (the streaming pass
//                   and the exact counts after it);
//   whole job     — runDataTest: profile + 25 expectations + drift against the
//                   reference + report files;
// each as its own Node process (time from start to exit, peak RSS), with the
// ratios to the DuckDB pass (targets: job <= 1.5x the time, peak memory <=
// DuckDB's). Rounds alternate the phases (the machine is shared); medians are
// reported. MLSHIP_BENCH_ROUNDS (default 5); MLSHIP_BENCH_FORMATS (default
// parquet,csv).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  inferExpectations,
  parseExpectations,
  profileData,
  readProfileFile,
  runDataTest,
  type CategoricalProfile,
  type NumericProfile,
} from '@mlship/data';

const PARQUET = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
const dir = join(import.meta.dirname, 'out', 'data-flights');
const CSV = join(dir, 'flights-3m.csv');
const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 5);
const [phase, format] = process.argv.slice(2);
const fileOf = (f: string) => (f === 'csv' ? CSV : PARQUET);

interface PhaseResult {
  ms: number;
  peakRssMb: number;
  outcome?: string;
}

async function duckdbPass(file: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const reference = await readProfileFile(join(dir, 'reference', 'profile.json'));
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const source = file.endsWith('.csv') ? `read_csv('${file}')` : `read_parquet('${file}')`;
  const aggregates = ['count(*)'];
  for (const c of reference.columns) {
    const x = `"${c.name}"`;
    aggregates.push(`count(${x})`, `count(DISTINCT ${x})`);
    if (c.kind === 'numeric' && !c.timestamp) {
      const v = `${x}::DOUBLE`;
      aggregates.push(
        `count(*) FILTER (WHERE isnan(${v}))`,
        `count(*) FILTER (WHERE isinf(${v}))`,
        `avg(${v})`,
        `stddev_samp(${v})`,
        `min(${v})`,
        `max(${v})`,
        `quantile_disc(${v}, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])`,
        `histogram(${v}, [${(c as NumericProfile).histogram!.cuts.join(', ')}]::DOUBLE[])`,
      );
    } else if (c.kind === 'numeric') {
      aggregates.push(`min(${x})`, `max(${x})`, `quantile_disc(${x}, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])`);
    } else {
      aggregates.push(`histogram(${x})`, `min(length(${x}))`, `max(length(${x}))`);
    }
  }
  await connection.runAndReadAll(`SELECT ${aggregates.join(', ')} FROM ${source}`);
}

async function wholeJob(file: string): Promise<string> {
  const result = await runDataTest(
    {
      data: file,
      expectations: join(dir, 'expectations.yml'),
      referenceProfile: join(dir, 'reference', 'profile.json'),
      failOn: 'never',
      outputDir: join(dir, 'job'),
    },
    { now: () => new Date('2001-07-01T00:00:00Z') },
  );
  return result.outcome;
}

/** The CSV copy, the reference profile and an expectations file covering every check kind the job runs. */
async function prepare(): Promise<void> {
  mkdirSync(join(dir, 'reference'), { recursive: true });
  if (!existsSync(CSV)) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (SELECT * FROM read_parquet('${PARQUET}')) TO '${CSV}' (HEADER)`);
  }
  const { profile: reference } = await profileData(PARQUET);
  writeFileSync(join(dir, 'reference', 'profile.json'), JSON.stringify(reference));
  // Inferred checks (types, notNull, between, lengths) plus the kinds inference does not write.
  const { expectations } = parseExpectations(inferExpectations(reference), 'inferred.yml');
  const airports = (reference.columns.find((c) => c.name === 'origin') as CategoricalProfile).topValues.items.map(
    ([v]) => v,
  );
  const origin = expectations.columns.origin!;
  origin.regex = { pattern: '^[A-Z0-9]{3}$', mostly: 1, severity: 'error' };
  origin.inSet = { values: airports, mostly: 0.99, severity: 'error' };
  origin.newCategoryShare = { max: 0.01, severity: 'warn' };
  expectations.columns.delay = {
    ...expectations.columns.delay,
    mean: { min: -10, max: 60, severity: 'error' },
    stdev: { min: 1, max: 200, severity: 'error' },
    quantiles: [
      { q: 0.5, min: -30, max: 30, severity: 'error' },
      { q: 0.99, max: 1000, severity: 'warn' },
    ],
  };
  expectations.table.rowCount = { min: 1_000_000, severity: 'error' };
  expectations.table.freshness = { column: 'date', maxAgeHours: 2400, severity: 'warn' };
  // JSON is YAML: the job reads this file as it reads any expectations file.
  writeFileSync(join(dir, 'expectations.yml'), JSON.stringify(expectations, null, 2));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (phase) {
  const file = fileOf(format!);
  let outcome: string | undefined;
  if (phase === 'duckdb') await duckdbPass(file);
  else if (phase === 'profile') await profileData(file);
  else outcome = await wholeJob(file);
  process.stdout.write(`${JSON.stringify({ outcome, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
} else {
  await prepare();
  const run = (name: string, f: string): PhaseResult => {
    const start = performance.now();
    const child = spawnSync(process.execPath, [import.meta.filename, name, f], { encoding: 'utf8' });
    const ms = performance.now() - start;
    if (child.status !== 0) throw new Error(`phase ${name} ${f} failed: ${child.stderr}`);
    return { ms, ...(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Omit<PhaseResult, 'ms'>) };
  };
  for (const f of (process.env.MLSHIP_BENCH_FORMATS ?? 'parquet,csv').split(',')) {
    const results: Record<string, PhaseResult[]> = { duckdb: [], profile: [], job: [] };
    for (let round = 0; round < ROUNDS; round++)
      for (const name of ['duckdb', 'profile', 'job'] as const) results[name]!.push(run(name, f));
    const ms = (name: string) => median(results[name]!.map((r) => r.ms));
    const rss = (name: string) => median(results[name]!.map((r) => r.peakRssMb));
    console.log(`flights-3m.${f}: 3,000,000 rows, 5 columns; median of ${ROUNDS} rounds, each phase a whole process`);
    for (const [name, label] of [
      ['duckdb', 'DuckDB, same aggregates, one SQL pass'],
      ['profile', 'mlship profile'],
      ['job', 'mlship data test (profile + checks + drift)'],
    ] as const) {
      const ratio =
        name === 'duckdb'
          ? ''
          : `   ${(ms(name) / ms('duckdb')).toFixed(2)}x time, ${(rss(name) / rss('duckdb')).toFixed(2)}x memory`;
      console.log(
        `  ${label.padEnd(44)} ${(ms(name) / 1000).toFixed(2)} s   peak RSS ${rss(name).toFixed(0)} MiB${ratio}`,
      );
    }
    console.log(`  job outcome ${results.job![0]!.outcome}; targets: job <= 1.5x DuckDB's time, peak RSS <= DuckDB's`);
    console.log(
      `  all rounds (s): ${Object.entries(results)
        .map(([k, v]) => `${k} ${v.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}`)
        .join('; ')}`,
    );
  }
}
