// Benchmark: validate a candidate against a baseline on 1,000,000 rows × 30
// features (two logistic models built with the ONNX builder). Prints, in one
// run:
//   1. the scoring step (tensors built from columns, both models run, outputs
//      turned into classes and probabilities) beside raw InferenceSession.run
//      on the same prebuilt batches keeping every batch's outputs as the
//      runtime returns them — target ≤ 1.25× (and beside raw runs that drop
//      their outputs);
//   2. reading the holdout into input tensors through the engine (columns
//      and Float32 [N, F] batches) beside DuckDB's own read of the same file
//      into a table — target ≤ 1.5× (medians of interleaved rounds);
//   3. the whole validate job (read, scoring, metrics, slices, bootstrap
//      intervals, McNemar, gates, latency, report) beside its floor: DuckDB's
//      read plus the raw inference time of both models — target ≤ 2×.
import { mkdirSync, createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { loadModel } from '@mlship/onnx';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { seededRandom, DEFAULT_BOOTSTRAP } from '@mlship/eval';
import { scanColumns } from '@mlship/data';
import { validate, readHoldout, mapInputs } from '@mlship/validate';
import { defaultPolicy } from '@mlship/eval';
import { classMapping, scoreClassifier } from '../packages/validate/src/scoring.ts';
import { buildFeeds } from '../packages/validate/src/feature-tensors.ts';

const ROWS = Number(process.env.MLSHIP_BENCH_ROWS ?? 1_000_000);
const FEATURES = 30;
const READ_ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 3);
const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const dir = join(import.meta.dirname, 'out', 'validate-1m');
mkdirSync(dir, { recursive: true });
const names = Array.from({ length: FEATURES }, (_, j) => `x${j}`);
const random = seededRandom(11);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const trueWeights = names.map(() => gaussian() * 0.5);

const dataPath = join(dir, `holdout-${ROWS}.csv`);
if (!existsSync(dataPath)) {
  const t = performance.now();
  const out = createWriteStream(dataPath);
  out.write(`label,region,${names.join(',')}\n`);
  const x = new Float64Array(FEATURES);
  for (let i = 0; i < ROWS; i++) {
    let z = 0.2;
    for (let j = 0; j < FEATURES; j++) z += trueWeights[j]! * (x[j] = gaussian());
    const label = random() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    const line = `${label},${REGIONS[i % REGIONS.length]},${Array.from(x, (v) => v.toFixed(4)).join(',')}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  console.log(`wrote ${dataPath} in ${((performance.now() - t) / 1000).toFixed(1)} s (generated once, reused)`);
}

// Baseline: the true weights blurred; candidate: a little closer to the truth.
const baselineWeights = trueWeights.map((w) => w + 0.15 * gaussian());
const candidateWeights = trueWeights.map((w, j) => 0.5 * (w + baselineWeights[j]!) + 0.02 * gaussian());
const baselinePath = join(dir, 'baseline.onnx');
const candidatePath = join(dir, 'candidate.onnx');
writeFileSync(
  baselinePath,
  buildLinearClassifierOnnx({ featureNames: names, weights: [baselineWeights], bias: [0.2], classes: [0, 1] }),
);
writeFileSync(
  candidatePath,
  buildLinearClassifierOnnx({ featureNames: names, weights: [candidateWeights], bias: [0.2], classes: [0, 1] }),
);
const policyPath = join(dir, 'policy.yml');
writeFileSync(
  policyPath,
  `schemaVersion: 1
task: classification
label: label
bootstrap: { replicates: ${DEFAULT_BOOTSTRAP.replicates}, seed: 1 }
slices:
  - column: region
gates:
  - accuracy >= 0.7
  - metric: accuracy
    max_drop: 0.005
    per_slice: true
  - metric: roc_auc
    max_drop: 0.005
  - metric: log_loss
    max_increase: 0.01
`,
);

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

// ---- 1. scoring step vs raw InferenceSession.run on the same batches
{
  const [candidate, baseline] = await Promise.all([loadModel(candidatePath), loadModel(baselinePath)]);
  const policy = defaultPolicy();
  const feeds = {
    candidate: mapInputs(candidate, policy, undefined),
    baseline: mapInputs(baseline, policy, undefined),
  };
  // DuckDB's own read of the file (every column into a table), the data package's scan of the
  // columns the job reads, and the holdout as validate holds it (columns plus each batch's input
  // tensors, built while reading); interleaved rounds, medians.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const reads: Record<'duckdb' | 'scan' | 'holdout', number[]> = { duckdb: [], scan: [], holdout: [] };
  let holdout!: Awaited<ReturnType<typeof readHoldout>>;
  let decodedRows = 0;
  let t = 0;
  for (let round = 0; round < READ_ROUNDS; round++) {
    t = performance.now();
    await duck.run(`CREATE OR REPLACE TABLE holdout AS SELECT * FROM read_csv('${dataPath}')`);
    reads.duckdb.push(performance.now() - t);
    await duck.run('DROP TABLE holdout');
    t = performance.now();
    decodedRows = 0;
    await scanColumns(dataPath, (batch) => (decodedRows += batch.rowCount), { columns: ['label', 'region', ...names] });
    reads.scan.push(performance.now() - t);
    t = performance.now();
    holdout = await readHoldout({
      path: dataPath,
      task: 'classification',
      label: 'label',
      features: names,
      groupColumns: ['region'],
      feeds: [feeds.candidate, feeds.baseline],
    });
    reads.holdout.push(performance.now() - t);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const duckdbReadMs = median(reads.duckdb);
  const decodeMs = median(reads.scan);
  const holdoutMs = median(reads.holdout);
  if (holdout.rows !== decodedRows) throw new Error('row counts differ');
  const prebuilt = holdout.batches.map((b) => buildFeeds(b, feeds.candidate, b.tensors));
  // Warm both sessions once.
  await candidate.run(prebuilt[0]!);
  await baseline.run(prebuilt[0]!);

  // Raw runs two ways: dropping each output (the runtime's buffers are then reused), and keeping
  // every batch's outputs as the runtime returns them (int64 label and float32 probabilities per
  // row: what the statistics need, not yet in one array or the holdout's class order), the like-for-like
  // floor of a step that must keep its predictions.
  const rawRuns: number[] = [];
  const keptRuns: number[] = [];
  const scoreRuns: number[] = [];
  // Collect garbage before each timed step so none pays for another's allocations.
  const collect = () => (globalThis as { gc?: () => void }).gc?.();
  for (let round = 0; round < 9; round++) {
    collect();
    t = performance.now();
    for (const tensors of prebuilt) {
      await candidate.run(tensors);
      await baseline.run(tensors);
    }
    rawRuns.push(performance.now() - t);
    collect();
    t = performance.now();
    const kept: unknown[] = [];
    for (const model of [candidate, baseline]) for (const tensors of prebuilt) kept.push(await model.run(tensors));
    keptRuns.push(performance.now() - t);
    if (kept.length !== 2 * prebuilt.length) throw new Error('a run was lost');
    kept.length = 0;
    collect();
    t = performance.now();
    const now = () => performance.now();
    const mapping = classMapping(holdout);
    await scoreClassifier(candidate, feeds.candidate, holdout, mapping, undefined, now);
    await scoreClassifier(baseline, feeds.baseline, holdout, mapping, undefined, now);
    scoreRuns.push(performance.now() - t);
  }
  const raw = median(rawRuns);
  const rawKept = median(keptRuns);
  const score = median(scoreRuns);
  console.log(
    `\n${holdout.rows.toLocaleString('en-US')} rows × ${FEATURES} features, ${holdout.batches.length} batches, two models (medians of 9 alternating rounds)`,
  );
  console.log(`DuckDB's read of the file into a table  ${seconds(duckdbReadMs)}   (median of ${READ_ROUNDS})`);
  console.log(
    `engine scan → column batches           ${seconds(decodeMs)}   ratio ${(decodeMs / duckdbReadMs).toFixed(2)}×`,
  );
  console.log(
    `read holdout (columns + input tensors)  ${seconds(holdoutMs)}   ratio ${(holdoutMs / duckdbReadMs).toFixed(2)}× (target ≤ 1.5×)`,
  );
  console.log(
    `  all rounds (s): ${Object.entries(reads)
      .map(([k, v]) => `${k} ${v.map((x) => (x / 1000).toFixed(2)).join(', ')}`)
      .join('; ')}`,
  );
  console.log(`raw InferenceSession.run, both models, outputs dropped   ${seconds(raw)}`);
  console.log(`raw InferenceSession.run, both models, outputs kept      ${seconds(rawKept)}`);
  console.log(
    `scoring step, both models               ${seconds(score)}   ratio ${(score / rawKept).toFixed(2)}× raw run keeping its outputs (target ≤ 1.25×), ${(score / raw).toFixed(2)}× raw run dropping them; runs + outputs → class per row and probabilities in the holdout's class order`,
  );
  console.log(
    `  all rounds (s): raw ${rawRuns.map((x) => (x / 1000).toFixed(3)).join(', ')}; kept ${keptRuns.map((x) => (x / 1000).toFixed(3)).join(', ')}; scoring ${scoreRuns.map((x) => (x / 1000).toFixed(3)).join(', ')}`,
  );
  await Promise.all([candidate.release(), baseline.release()]);

  // ---- 2. the whole validate job vs its floor
  const floor = duckdbReadMs + raw;
  t = performance.now();
  const outcome = await validate({
    candidate: candidatePath,
    baseline: baselinePath,
    data: dataPath,
    policy: policyPath,
    outputDir: join(dir, 'result'),
  });
  const whole = performance.now() - t;
  const tm = outcome.result.timingsMs;
  console.log(
    `\nwhole validate job                      ${seconds(whole)}   ratio ${(whole / floor).toFixed(2)}× of floor ${seconds(floor)} (DuckDB's read + raw inference; target ≤ 2×)`,
  );
  console.log(
    `  inside: decode ${seconds(tm.decodeMs!)}, scoring ${seconds(tm.scoringMs!)}, statistics (metrics, ${outcome.result.slices.length} slices, ${outcome.result.bootstrap.replicates}-replicate bootstrap, McNemar, gates) ${seconds(tm.statisticsMs!)}, sanity + latency ${seconds(tm.latencyMs!)}`,
  );
  console.log(
    `  verdict ${outcome.result.verdict}; Δ accuracy ${outcome.result.metrics.find((m) => m.metric === 'accuracy')!.delta.toFixed(4)} CI [${outcome.result.metrics
      .find((m) => m.metric === 'accuracy')!
      .deltaCi.map((v) => v.toFixed(4))
      .join(', ')}]`,
  );
}
