// Benchmark: the data-test job on flights-3m.parquet (3,000,000 rows) beside
// its floor, decoding the same file with the same reader. Prints, in one run:
//   decode only    — readColumns over every column, nothing else;
//   whole job      — runDataTest: one pass feeding the profiler (moments, KLL,
//                    HyperLogLog, frequent items, histograms on reference cuts)
//                    and the expectations (types, nulls, ranges, sets, regex,
//                    lengths, aggregates, freshness), then drift against a
//                    reference profile and the report files;
// the ratio (target <= 2x) and each phase's peak RSS. Each phase runs in its
// own process so peaks do not mix; rounds alternate and the best of each is
// taken, so a busy machine hurts both sides alike.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  inferExpectations,
  parseExpectations,
  scanColumns,
  readProfileFile,
  runDataTest,
  type CategoricalProfile,
} from '@mlship/data';

const FILE = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
const dir = join(import.meta.dirname, 'out', 'data-flights');
const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 2);
const phase = process.argv[2];

interface PhaseResult {
  ms: number;
  rows: number;
  peakRssMb: number;
  outcome?: string;
}

async function decodeOnly(): Promise<PhaseResult> {
  const start = performance.now();
  let rows = 0;
  await scanColumns(FILE, (batch) => (rows += batch.rowCount));
  return { ms: performance.now() - start, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function wholeJob(): Promise<PhaseResult> {
  const start = performance.now();
  const result = await runDataTest(
    {
      data: FILE,
      expectations: join(dir, 'expectations.yml'),
      referenceProfile: join(dir, 'reference', 'profile.json'),
      failOn: 'never',
      outputDir: join(dir, 'job'),
    },
    { now: () => new Date('2001-04-01T00:00:00Z') },
  );
  return {
    ms: performance.now() - start,
    rows: result.rowCount,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    outcome: result.outcome,
  };
}

/** The reference profile and an expectations file covering every check kind the job runs. */
async function prepare(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await runDataTest({ data: FILE, failOn: 'never', outputDir: join(dir, 'reference') });
  const reference = await readProfileFile(join(dir, 'reference', 'profile.json'));
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

if (phase === 'decode' || phase === 'job') {
  const result = phase === 'decode' ? await decodeOnly() : await wholeJob();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await prepare();
  const run = (name: string): PhaseResult => {
    const child = spawnSync(process.execPath, [import.meta.filename, name], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`phase ${name} failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as PhaseResult;
  };
  const decode: PhaseResult[] = [];
  const job: PhaseResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    decode.push(run('decode'));
    job.push(run('job'));
  }
  const best = (xs: PhaseResult[]) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const d = best(decode);
  const j = best(job);
  console.log(`flights-3m.parquet: ${d.rows.toLocaleString('en-US')} rows, 5 columns, best of ${ROUNDS} rounds`);
  console.log(
    `  decode only (readColumns)        ${(d.ms / 1000).toFixed(2)} s   peak RSS ${d.peakRssMb.toFixed(0)} MiB`,
  );
  console.log(
    `  profile + expectations + drift   ${(j.ms / 1000).toFixed(2)} s   peak RSS ${j.peakRssMb.toFixed(0)} MiB   outcome ${j.outcome}`,
  );
  console.log(`  ratio ${(j.ms / d.ms).toFixed(2)}x (target <= 2x)`);
  console.log(
    `  all rounds: decode ${decode.map((x) => (x.ms / 1000).toFixed(2)).join(', ')} s; job ${job.map((x) => (x.ms / 1000).toFixed(2)).join(', ')} s`,
  );
}
