// Everything statistical about a candidate/baseline pair on one holdout:
// point metrics, paired bootstrap intervals overall and per slice, McNemar,
// and the metric gates. Pure: outputs in, numbers and verdicts out.
import { pairedBootstrap } from './bootstrap.ts';
import type { BootstrapOptions, MetricComparison } from './bootstrap.ts';
import { buildPairedCache, pairedMetrics, subsetCache, subsetPaired } from './paired-data.ts';
import type { PairedData, PairedMetrics } from './paired-data.ts';
import { discordantPairs, mcnemarTest } from './mcnemar.ts';
import type { McNemarResult } from './mcnemar.ts';
import { evaluateMetricGates } from './gates.ts';
import { uncomputedMetrics } from './uncomputed-metrics.ts';
import type { GateOutcome, ScopeComparisons } from './gates.ts';
import type { Policy } from './policy.ts';
import type { Slice } from './slices.ts';

export interface SliceEvaluation extends ScopeComparisons {
  column: string;
  mcnemar?: McNemarResult;
}

export interface PairedEvaluation {
  full: PairedMetrics;
  overall: ScopeComparisons;
  slices: SliceEvaluation[];
  mcnemar?: McNemarResult;
  /** Rows the bootstrap replicates were drawn on (overall). */
  resampledRows: number;
  gates: GateOutcome[];
}

const SLICE_MIN_RESAMPLED_ROWS = 2000;

export function bootstrapOptions(policy: Policy): BootstrapOptions {
  return {
    replicates: policy.bootstrap.replicates,
    seed: policy.bootstrap.seed,
    confidence: policy.confidence,
    maxRows: policy.bootstrap.max_rows,
  };
}

export function evaluatePaired(data: PairedData, slices: readonly Slice[], policy: Policy): PairedEvaluation {
  const options = bootstrapOptions(policy);
  const cache = buildPairedCache(data);
  const full = pairedMetrics(data, undefined, cache);
  const boot = pairedBootstrap(data, full, options, cache);
  const overall: ScopeComparisons = {
    scope: 'all rows',
    rows: boot.rows,
    comparisons: boot.comparisons,
    notComputed: uncomputedMetrics(data, boot.comparisons),
  };
  // Slices share the replicate budget: each draws on at most max_rows / (number of slices) rows
  // (never fewer than 2,000), so twenty slices cost about what the whole holdout does.
  const sliceMaxRows = Math.max(SLICE_MIN_RESAMPLED_ROWS, Math.floor(options.maxRows / Math.max(1, slices.length)));
  const sliceResults = slices.map((slice, k): SliceEvaluation => {
    const sub = subsetPaired(data, slice.rows);
    const subCacheOf = subsetCache(cache, slice.rows);
    const subFull = pairedMetrics(sub, undefined, subCacheOf);
    // A seed per slice keeps slices independent and each one reproducible on its own.
    const sb =
      slice.rows.length > 0
        ? pairedBootstrap(
            sub,
            subFull,
            { ...options, maxRows: sliceMaxRows, seed: options.seed + 7919 * (k + 1) },
            subCacheOf,
          )
        : undefined;
    const comparisons = sb?.comparisons ?? [];
    const result: SliceEvaluation = {
      scope: slice.name,
      column: slice.column,
      rows: slice.rows.length,
      comparisons,
      notComputed: uncomputedMetrics(sub, comparisons),
    };
    const m = mcnemarOf(sub);
    if (m) result.mcnemar = m;
    return result;
  });
  const evaluation: PairedEvaluation = {
    full,
    overall,
    slices: sliceResults,
    resampledRows: boot.resampledRows,
    gates: evaluateMetricGates(policy, overall, sliceResults),
  };
  const m = mcnemarOf(data);
  if (m) evaluation.mcnemar = m;
  return evaluation;
}

function mcnemarOf(data: PairedData): McNemarResult | undefined {
  if (data.task !== 'classification') return undefined;
  const d = discordantPairs(data.truth, data.baseline.predicted, data.candidate.predicted);
  return mcnemarTest(d.baselineOnly, d.candidateOnly);
}

/** Comparisons without their replicate arrays, for JSON results. */
export function summariseComparison(c: MetricComparison) {
  return {
    metric: c.metric,
    baseline: c.baseline,
    candidate: c.candidate,
    delta: c.delta,
    deltaCi: c.deltaCi,
    candidateCi: c.candidateCi,
    deltaSe: c.deltaSe,
  };
}
