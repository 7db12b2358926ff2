// The JSON result of a validation (`--json`, the action's result file): the
// one shape the PR section, the model card and the registry read.
import type { GateOutcome, UncomputedMetric, Verdict } from './gates.ts';
import type { McNemarResult } from './mcnemar.ts';
import type { MetricComparison } from './bootstrap.ts';
import type { MetricName, Task } from './metric-names.ts';
import type { SignatureChange } from './signature-diff.ts';

/** A metric's comparison as reported: the bootstrap's result without its replicates. */
export type MetricRow = Omit<MetricComparison, 'deltaReplicates' | 'candidateReplicates'>;

export interface LatencyRow {
  model: 'baseline' | 'candidate';
  batchSize: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  rowsPerSecond: number;
}

export interface ModelInfo {
  /** Path or registry reference as given. */
  source: string;
  sizeBytes: number;
  sha256: string;
  /** Registry version when resolved through the registry. */
  version?: string;
}

export interface ValidationResult {
  schemaVersion: 1;
  verdict: Verdict;
  task: Task;
  label: string;
  data: { source: string; rows: number; features: string[] };
  candidate: ModelInfo;
  /** With `firstVersion`, only the reference that named no model yet (`source`). */
  baseline: ModelInfo;
  /**
   * Set when the baseline is a stage that holds no version yet: the candidate
   * is judged on the gates that need no baseline (absolute floors, budgets,
   * sanity), and the metric differences are not comparisons.
   */
  firstVersion?: {
    /** Why there is no baseline, as the registry said it. */
    reason: string;
    /** The policy's gates against a baseline, which do not apply to a first version. */
    notApplicable: string[];
  };
  classes?: string[];
  metrics: MetricRow[];
  /** The task's metrics missing from `metrics`, and why (a one-class holdout has no ROC AUC). */
  notComputed?: UncomputedMetric[];
  mcnemar?: McNemarResult;
  slices: { name: string; column: string; rows: number; metrics: MetricRow[]; mcnemar?: McNemarResult }[];
  confusion?: { classes: string[]; baseline: number[][]; candidate: number[][] };
  perClass?: {
    class: string;
    support: number;
    baseline: { precision: number; recall: number; f1: number };
    candidate: { precision: number; recall: number; f1: number };
  }[];
  latency: LatencyRow[];
  signatureChanges: SignatureChange[];
  /** Failed gates first, then inconclusive, then passed. */
  gates: GateOutcome[];
  bootstrap: { replicates: number; seed: number; confidence: number; resampledRows: number; multipleTesting: string };
  timingsMs: Record<string, number>;
}

const VERDICT_ORDER: Record<Verdict, number> = { fail: 0, inconclusive: 1, pass: 2 };

export function orderGates(gates: readonly GateOutcome[]): GateOutcome[] {
  return [...gates].sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict]);
}
