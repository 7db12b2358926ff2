// Simulated rollouts for the canary judge: labelled requests arrive one by
// one, the judge looks every few labels (as often as a controller could run),
// and each run ends at the first promote or rollback, or undecided at the
// label limit. The judge judged is the package's own: the simulation builds
// the evidence a runtime would send and calls judgeLabelledGates.
import { seededRandom } from '@mlship/eval';
import { normalQuantile } from '@mlship/eval';
import {
  addValue,
  EMPTY_MOMENTS,
  judgeLabelledGates,
  type CanaryGate,
  type Evidence,
  type Moments,
} from '@mlship/deploy';

export interface Scenario {
  name: string;
  prodAccuracy: number;
  canaryAccuracy: number;
  /** Share of requests the models answer differently; paired scenarios only. */
  disagreement: number;
  /** Both models score every labelled request (shadow), or each request goes to one of them. */
  paired: boolean;
}

export interface SimulationOptions {
  runs: number;
  seed: number;
  /** Non-inferiority margin on accuracy (max_drop). */
  margin: number;
  alpha: number;
  /** Labels between two looks of the judge. */
  lookEvery: number;
  minLabels: number;
  maxLabels: number;
  /** 'fixed-level': re-test a one-look interval at every look, as Kayenta does (for contrast). */
  test?: 'always-valid' | 'fixed-level';
}

export interface SimulationResult {
  scenario: Scenario;
  runs: number;
  promote: number;
  rollback: number;
  undecided: number;
  /** Labels (pairs, or per arm) at each run's decision; undecided runs count as Infinity. */
  labels: number[];
}

const DUMMY_ARM = (version: string) => ({
  version,
  scored: 0,
  served: 0,
  errors: 0,
  latency: { boundsMs: [1], counts: [0, 0] },
});

function evidenceOf(paired: boolean, prod: Moments, canary: Moments, difference: Moments): Evidence {
  return {
    schemaVersion: 1,
    model: 'sim',
    since: '2026-01-01T00:00:00Z',
    asOf: '2026-01-01T00:00:00Z',
    routing: { canaryWeight: 50, shadow: paired },
    prod: DUMMY_ARM('v1.0.0'),
    canary: DUMMY_ARM('v1.1.0'),
    labels: paired
      ? { received: difference.n, paired: { accuracy: { prod, canary, difference } }, canary: {}, prod: {} }
      : { received: prod.n + canary.n, paired: {}, canary: { accuracy: canary }, prod: { accuracy: prod } },
  };
}

/** The same decision on a fixed-level (one-look) interval: what re-testing without correction does. */
function fixedLevelVerdict(evidence: Evidence, margin: number, alpha: number): 'pass' | 'fail' | 'undecided' {
  const z = normalQuantile(1 - alpha);
  const mean = (m: Moments) => m.sum / m.n;
  const variance = (m: Moments) => Math.max((m.sumSquares - (m.sum * m.sum) / m.n) / (m.n - 1), 1 / m.n) / m.n;
  const p = evidence.labels.paired.accuracy;
  const [estimate, v] = p
    ? [mean(p.difference), variance(p.difference)]
    : [
        mean(evidence.labels.canary.accuracy!) - mean(evidence.labels.prod.accuracy!),
        variance(evidence.labels.canary.accuracy!) + variance(evidence.labels.prod.accuracy!),
      ];
  const half = z * Math.sqrt(v);
  return estimate - half > -margin ? 'pass' : estimate + half < 0 ? 'fail' : 'undecided';
}

export function simulateJudge(scenario: Scenario, options: SimulationOptions): SimulationResult {
  const random = seededRandom(options.seed);
  const gate: CanaryGate = {
    metric: 'accuracy',
    kind: 'non-inferiority',
    threshold: options.margin,
    higherIsBetter: true,
  };
  // Paired outcomes: canary-only right a, prod-only right b, with a − b = Δ and a + b = disagreement.
  const delta = scenario.canaryAccuracy - scenario.prodAccuracy;
  const canaryOnly = (scenario.disagreement + delta) / 2;
  const prodOnly = (scenario.disagreement - delta) / 2;
  const bothRight = scenario.prodAccuracy - prodOnly;
  if (scenario.paired && (canaryOnly < 0 || prodOnly < 0 || bothRight < 0))
    throw new RangeError(`${scenario.name}: the disagreement cannot produce these accuracies`);
  const result: SimulationResult = { scenario, runs: options.runs, promote: 0, rollback: 0, undecided: 0, labels: [] };
  for (let run = 0; run < options.runs; run++) {
    let prod = EMPTY_MOMENTS;
    let canary = EMPTY_MOMENTS;
    let difference = EMPTY_MOMENTS;
    let decided: 'pass' | 'fail' | undefined;
    let labels = 0;
    while (labels < options.maxLabels && !decided) {
      for (let k = 0; k < options.lookEvery; k++) {
        if (scenario.paired) {
          const u = random();
          const [c, p] =
            u < canaryOnly
              ? [1, 0]
              : u < canaryOnly + prodOnly
                ? [0, 1]
                : u < scenario.disagreement + bothRight
                  ? [1, 1]
                  : [0, 0];
          prod = addValue(prod, p);
          canary = addValue(canary, c);
          difference = addValue(difference, c - p);
        } else {
          // Each labelled request was answered by one model: alternate arms, labels counted per arm.
          canary = addValue(canary, random() < scenario.canaryAccuracy ? 1 : 0);
          prod = addValue(prod, random() < scenario.prodAccuracy ? 1 : 0);
        }
      }
      labels += options.lookEvery;
      if (labels < options.minLabels) continue;
      const evidence = evidenceOf(scenario.paired, prod, canary, difference);
      const verdict =
        options.test === 'fixed-level'
          ? fixedLevelVerdict(evidence, options.margin, options.alpha)
          : judgeLabelledGates(evidence, [gate], { alpha: options.alpha, minLabels: options.minLabels })[0]!.verdict;
      if (verdict !== 'undecided') decided = verdict;
    }
    if (decided === 'pass') result.promote++;
    else if (decided === 'fail') result.rollback++;
    else result.undecided++;
    result.labels.push(decided ? labels : Infinity);
  }
  return result;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The smallest value with at least a share q of the values at or below it. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** Fixed-horizon sample size, two-sided α = 0.05 and 80% power: pairs (paired) or labels per arm (unpaired). */
export function fixedHorizonLabels(scenario: Scenario): number {
  const z = normalQuantile(0.975) + normalQuantile(0.8);
  const delta = scenario.canaryAccuracy - scenario.prodAccuracy;
  const variance = scenario.paired
    ? scenario.disagreement - delta * delta
    : scenario.prodAccuracy * (1 - scenario.prodAccuracy) + scenario.canaryAccuracy * (1 - scenario.canaryAccuracy);
  return Math.ceil((z * z * variance) / (delta * delta));
}
