// Classification metrics of one model on (optionally weighted) rows. Weights
// are the bootstrap's multinomial counts; without weights every row counts once.
import { rankingMetrics, scoreOrder } from './ranking-metrics.ts';
import type { ScoreOrder } from './ranking-metrics.ts';
import type { ClassificationMetric } from './metric-names.ts';

export interface ClassifierOutputs {
  /** Predicted class index per row. */
  predicted: Int32Array;
  /** Row-major [N, C] probabilities in class order, when the model outputs them. */
  probabilities?: Float32Array | Float64Array;
}

export interface ClassificationMetrics {
  values: Partial<Record<ClassificationMetric, number>>;
  /** confusion[true][predicted], weighted counts. */
  confusion: number[][];
  perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
}

/** Probabilities are clipped to [ε, 1 − ε] before the log, as sklearn's log_loss does. */
export const LOG_LOSS_EPSILON = 1e-15;
/** Equal-width confidence bins for the expected calibration error. */
export const CALIBRATION_BINS = 10;

/** Score orders for ROC/PR curves: one per class (one-vs-rest), or only the positive class for binary tasks. */
export interface RankCache {
  byClass: (ScoreOrder | undefined)[];
}

export function buildRankCache(outputs: ClassifierOutputs, classCount: number, rows: number): RankCache | undefined {
  const p = outputs.probabilities;
  if (!p) return undefined;
  const byClass: (ScoreOrder | undefined)[] = [];
  const scores = new Float64Array(rows);
  for (let c = 0; c < classCount; c++) {
    if (classCount === 2 && c === 0) {
      byClass.push(undefined);
      continue;
    }
    for (let i = 0; i < rows; i++) scores[i] = p[i * classCount + c]!;
    byClass.push(scoreOrder(scores));
  }
  return { byClass };
}

export function classificationMetrics(
  truth: Int32Array,
  outputs: ClassifierOutputs,
  classCount: number,
  options: { weights?: ArrayLike<number>; ranks?: RankCache } = {},
): ClassificationMetrics {
  const { weights } = options;
  const n = truth.length;
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (w === 0) continue;
    confusion[truth[i]!]![outputs.predicted[i]!]! += w;
    total += w;
  }
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  let correct = 0;
  for (let c = 0; c < classCount; c++) {
    const tp = confusion[c]![c]!;
    correct += tp;
    let predictedC = 0;
    let actualC = 0;
    for (let k = 0; k < classCount; k++) {
      predictedC += confusion[k]![c]!;
      actualC += confusion[c]![k]!;
    }
    // sklearn's zero_division=0: an undefined ratio counts as 0.
    const p = predictedC > 0 ? tp / predictedC : 0;
    const r = actualC > 0 ? tp / actualC : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
    support.push(actualC);
  }
  // Macro averages over the classes present in the truth or the predictions (sklearn's label set).
  const present = support.map((s, c) => s > 0 || confusion.some((row) => row[c]! > 0));
  const macro = (xs: number[]) => mean(xs.filter((_, c) => present[c]));
  const values: ClassificationMetrics['values'] = {
    accuracy: total > 0 ? correct / total : Number.NaN,
    macro_precision: macro(precision),
    macro_recall: macro(recall),
    macro_f1: macro(f1),
  };
  if (outputs.probabilities) Object.assign(values, probabilityMetrics(truth, outputs.probabilities, classCount, options));
  return { values, confusion, perClass: { precision, recall, f1, support } };
}

function probabilityMetrics(
  truth: Int32Array,
  p: Float32Array | Float64Array,
  classCount: number,
  options: { weights?: ArrayLike<number>; ranks?: RankCache },
): Partial<Record<ClassificationMetric, number>> {
  const { weights } = options;
  const n = truth.length;
  const binCount = new Float64Array(CALIBRATION_BINS);
  const binConfidence = new Float64Array(CALIBRATION_BINS);
  const binCorrect = new Float64Array(CALIBRATION_BINS);
  let logLoss = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (w === 0) continue;
    const base = i * classCount;
    const pTrue = Math.min(Math.max(p[base + truth[i]!]!, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    logLoss -= w * Math.log(pTrue);
    let top = 0;
    for (let c = 1; c < classCount; c++) if (p[base + c]! > p[base + top]!) top = c;
    const confidence = p[base + top]!;
    const bin = Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(confidence * CALIBRATION_BINS)));
    binCount[bin]! += w;
    binConfidence[bin]! += w * confidence;
    if (top === truth[i]) binCorrect[bin]! += w;
    total += w;
  }
  let ece = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) ece += Math.abs(binConfidence[b]! - binCorrect[b]!);
  const ranks = options.ranks ?? buildRankCache({ predicted: new Int32Array(0), probabilities: p }, classCount, n);
  const aucs: number[] = [];
  const aps: number[] = [];
  for (let c = classCount === 2 ? 1 : 0; c < classCount; c++) {
    const order = ranks!.byClass[c];
    if (!order) continue;
    const { rocAuc, averagePrecision } = rankingMetrics(order, (row) => truth[row] === c, weights);
    if (!Number.isNaN(rocAuc)) aucs.push(rocAuc);
    if (!Number.isNaN(averagePrecision)) aps.push(averagePrecision);
  }
  return {
    log_loss: total > 0 ? logLoss / total : Number.NaN,
    ece: total > 0 ? ece / total : Number.NaN,
    // Multi-class: one-vs-rest macro averages (sklearn multi_class='ovr', average='macro').
    roc_auc: mean(aucs),
    pr_auc: mean(aps),
  };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}
