// Proof by simulation of the canary judge's error rates and labels to a
// decision, beside the fixed-horizon sample sizes (ANCHORS: 3,838 labels per
// arm unpaired, ~1,960 pairs at 10% disagreement, 80% power) and beside
// re-testing a one-look interval at every look (what Kayenta does).
//   node bench/canary-judge.ts          (MLSHIP_BENCH_RUNS=2000 by default)
import {
  fixedHorizonLabels,
  median,
  percentile,
  simulateJudge,
  type Scenario,
  type SimulationOptions,
} from './lib/canary-simulation.ts';

const runs = Number(process.env.MLSHIP_BENCH_RUNS ?? 2000);
const options: SimulationOptions = {
  runs,
  seed: 20260101,
  margin: 0.02,
  alpha: 0.05,
  lookEvery: 25,
  minLabels: 100,
  maxLabels: 20_000,
};
const scenario = (name: string, canaryAccuracy: number, paired: boolean): Scenario => ({
  name,
  prodAccuracy: 0.9,
  canaryAccuracy,
  disagreement: 0.1,
  paired,
});

const rows: string[][] = [];
const pct = (k: number) => `${((100 * k) / runs).toFixed(1)}%`;
const n = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'never');
for (const [label, s, test] of [
  ['paired (shadow), always-valid', scenario('worse', 0.88, true), 'always-valid'],
  ['paired (shadow), always-valid', scenario('equal', 0.9, true), 'always-valid'],
  ['unpaired (split), always-valid', scenario('worse', 0.88, false), 'always-valid'],
  ['unpaired (split), always-valid', scenario('equal', 0.9, false), 'always-valid'],
  ['paired, one-look interval re-tested', scenario('worse', 0.88, true), 'fixed-level'],
  ['paired, one-look interval re-tested', scenario('equal', 0.9, true), 'fixed-level'],
] as const) {
  const started = performance.now();
  const r = simulateJudge(s, { ...options, test });
  const worse = s.name === 'worse';
  rows.push([
    label,
    worse ? '0.90 → 0.88 (worse by the margin)' : '0.90 → 0.90 (equal)',
    worse ? `false promote ${pct(r.promote)}` : `false rollback ${pct(r.rollback)}`,
    worse ? `rollback ${pct(r.rollback)}` : `promote ${pct(r.promote)}`,
    n(median(r.labels)),
    n(percentile(r.labels, 0.8)),
    s.paired ? 'pairs' : 'per arm',
    worse ? n(fixedHorizonLabels(s)) : '',
    `${r.undecided > 0 ? `${r.undecided} undecided, ` : ''}${((performance.now() - started) / 1000).toFixed(1)} s`,
  ]);
}

console.log(
  `canary judge: ${runs} simulated rollouts per row, accuracy gate max_drop ${options.margin}, alpha ${options.alpha}, ` +
    `a look every ${options.lookEvery} labels (from ${options.minLabels}), at most ${options.maxLabels.toLocaleString('en-US')} labels, 10% disagreement`,
);
const header = [
  'test',
  'truth',
  'wrong decision',
  'right decision',
  'median labels',
  '80th percentile',
  '',
  'fixed horizon (80% power)',
  'notes',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(
  'fixed horizon: two-sided 5%, 80% power, one look only (ANCHORS: 3,838 per arm unpaired, ~1,960 pairs paired)',
);
console.log('targets: false promote ≤ 5%, false rollback ≤ 5%, median labels to detect 0.90 → 0.88 ≤ 2,000 paired');
