// Classification metrics of one model on (optionally weighted) rows. Weights
// are the bootstrap's multinomial counts; without weights every row counts
// once. Everything per row that does not depend on the weights (the confusion
// cell, −log p, the calibration bin, the ranking) is prepared once, so a
// bootstrap replicate is two tight passes over the rows.
import { positivesInOrder, rankingMetrics, scoreOrder } from './ranking-metrics.ts';
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

export interface PreparedClassifier {
  classCount: number;
  /** truth · C + predicted per row. */
  cell: Int32Array;
  probability?: {
    logLoss: Float64Array;
    /** Calibration bin of the top-label confidence. */
    bin: Uint8Array;
    confidence: Float64Array;
    topCorrect: Uint8Array;
    /** One-vs-rest rankings: every class, or only the positive class of a binary task. */
    ranks: { order: ScoreOrder; positives: Uint8Array }[];
  };
}

export function prepareClassifier(
  truth: Int32Array,
  outputs: ClassifierOutputs,
  classCount: number,
): PreparedClassifier {
  const n = truth.length;
  const cell = new Int32Array(n);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let i = 0; i < n; i++) cell[i] = truth[i]! * classCount + outputs.predicted[i]!;
  const p = outputs.probabilities;
  if (!p) return { classCount, cell };
  const logLoss = new Float64Array(n);
  const bin = new Uint8Array(n);
  const confidence = new Float64Array(n);
  const topCorrect = new Uint8Array(n);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let i = 0; i < n; i++) {
    const base = i * classCount;
    logLoss[i] = -Math.log(Math.min(Math.max(p[base + truth[i]!]!, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON));
    let top = 0;
    for (let c = 1; c < classCount; c++) if (p[base + c]! > p[base + top]!) top = c;
    const conf = p[base + top]!;
    confidence[i] = conf;
    bin[i] = Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(conf * CALIBRATION_BINS)));
    topCorrect[i] = top === truth[i] ? 1 : 0;
  }
  const ranks: { order: ScoreOrder; positives: Uint8Array }[] = [];
  const scores = new Float64Array(n);
  // Stryker disable next-line EqualityOperator: no row has the class one past the last, so its ranking is dropped as undefined
  for (let c = classCount === 2 ? 1 : 0; c < classCount; c++) {
    // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
    for (let i = 0; i < n; i++) scores[i] = p[i * classCount + c]!;
    const order = scoreOrder(scores);
    ranks.push({ order, positives: positivesInOrder(order, truth, c) });
  }
  return { classCount, cell, probability: { logLoss, bin, confidence, topCorrect, ranks } };
}

export function classificationMetrics(
  truth: Int32Array,
  outputs: ClassifierOutputs,
  classCount: number,
  weights?: ArrayLike<number>,
): ClassificationMetrics {
  return preparedMetrics(prepareClassifier(truth, outputs, classCount), weights);
}

export function preparedMetrics(prepared: PreparedClassifier, weights?: ArrayLike<number>): ClassificationMetrics {
  const c = prepared.classCount;
  const n = prepared.cell.length;
  const cells = new Float64Array(c * c);
  const prob = prepared.probability;
  const binConfidence = new Float64Array(CALIBRATION_BINS);
  const binCorrect = new Float64Array(CALIBRATION_BINS);
  let logLoss = 0;
  let total = 0;
  // Typed arrays in locals and one loop per case keep this loop monomorphic:
  // it runs once per bootstrap replicate over every sampled row.
  const cell = prepared.cell;
  if (prob) {
    const { logLoss: rowLogLoss, bin, confidence, topCorrect } = prob;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i]! : 1;
      cells[cell[i]!]! += w;
      total += w;
      logLoss += w * rowLogLoss[i]!;
      const b = bin[i]!;
      binConfidence[b]! += w * confidence[i]!;
      binCorrect[b]! += w * topCorrect[i]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i]! : 1;
      cells[cell[i]!]! += w;
      total += w;
    }
  }
  const confusion = Array.from({ length: c }, (_, t) => Array.from(cells.subarray(t * c, t * c + c)));
  const { values: counted, perClass } = confusionMetrics(confusion, total);
  const values: ClassificationMetrics['values'] = { ...counted };
  const support = perClass.support;
  if (prob) {
    let ece = 0;
    for (let b = 0; b < CALIBRATION_BINS; b++) ece += Math.abs(binConfidence[b]! - binCorrect[b]!);
    const aucs: number[] = [];
    const aps: number[] = [];
    for (const rank of prob.ranks) {
      const { rocAuc, averagePrecision } = rankingMetrics(rank.order, rank.positives, weights);
      if (!Number.isNaN(rocAuc)) aucs.push(rocAuc);
      if (!Number.isNaN(averagePrecision)) aps.push(averagePrecision);
    }
    values.log_loss = logLoss / total;
    values.ece = ece / total;
    // Multi-class: one-vs-rest macro averages (sklearn multi_class='ovr', average='macro').
    // With a single class in the truth there is nothing to rank against: sklearn refuses ROC AUC,
    // and average precision would be a trivial 1 for the one class, so both are undefined.
    const ranked = support.filter((s) => s > 0).length >= 2;
    values.roc_auc = ranked ? mean(aucs) : Number.NaN;
    values.pr_auc = ranked ? mean(aps) : Number.NaN;
  }
  return { values, confusion, perClass };
}

/**
 * The metrics read from a confusion matrix alone (confusion[true][predicted],
 * counts or expected counts): accuracy and per-class precision, recall and F1
 * with their macro averages, over the classes present in the truth or the
 * predictions (sklearn's label set) and zero_division=0.
 */
export function confusionMetrics(
  confusion: readonly (readonly number[])[],
  total: number,
): Pick<ClassificationMetrics, 'perClass'> & {
  values: Required<Pick<ClassificationMetrics['values'], 'accuracy' | 'macro_precision' | 'macro_recall' | 'macro_f1'>>;
} {
  const c = confusion.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  let correct = 0;
  const present: boolean[] = [];
  for (let k = 0; k < c; k++) {
    const tp = confusion[k]![k]!;
    correct += tp;
    let predictedK = 0;
    let actualK = 0;
    for (let j = 0; j < c; j++) {
      predictedK += confusion[j]![k]!;
      actualK += confusion[k]![j]!;
    }
    const p = predictedK > 0 ? tp / predictedK : 0;
    const r = actualK > 0 ? tp / actualK : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
    support.push(actualK);
    present.push(actualK > 0 || predictedK > 0);
  }
  const macro = (xs: number[]) => mean(xs.filter((_, k) => present[k]));
  return {
    values: {
      // No rows: 0/0 is NaN.
      accuracy: correct / total,
      macro_precision: macro(precision),
      macro_recall: macro(recall),
      macro_f1: macro(f1),
    },
    perClass: { precision, recall, f1, support },
  };
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

/**
 * The prepared terms of a subset of rows (a slice, a bootstrap subsample),
 * taken from the whole set's: per-row terms are picked, and each ranking is
 * the parent's order filtered to the subset — O(n) instead of a new sort.
 */
export function subsetPrepared(parent: PreparedClassifier, rows: Int32Array): PreparedClassifier {
  const m = rows.length;
  const cell = new Int32Array(m);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let k = 0; k < m; k++) cell[k] = parent.cell[rows[k]!]!;
  const prob = parent.probability;
  if (!prob) return { classCount: parent.classCount, cell };
  const logLoss = new Float64Array(m);
  const bin = new Uint8Array(m);
  const confidence = new Float64Array(m);
  const topCorrect = new Uint8Array(m);
  const local = new Int32Array(parent.cell.length).fill(-1);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
  for (let k = 0; k < m; k++) {
    const row = rows[k]!;
    local[row] = k;
    logLoss[k] = prob.logLoss[row]!;
    bin[k] = prob.bin[row]!;
    confidence[k] = prob.confidence[row]!;
    topCorrect[k] = prob.topCorrect[row]!;
  }
  const ranks = prob.ranks.map(({ order, positives }) => {
    const subOrder = new Int32Array(m);
    const subPositives = new Uint8Array(m);
    const groupEnd = new Uint8Array(m);
    let j = 0;
    // Read only once a row is kept, and set then.
    let lastParentPosition = 0;
    // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (a typed array drops it)
    for (let k = 0; k < order.order.length; k++) {
      const at = local[order.order[k]!]!;
      if (at < 0) continue;
      // A tie group ends where the parent's did between this kept row and the next kept one.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: before the first kept row, index −1 writes nowhere
      if (j > 0) groupEnd[j - 1] = hasGroupEnd(order.groupEnd, lastParentPosition, k) ? 1 : 0;
      subOrder[j] = at;
      subPositives[j] = positives[k]!;
      lastParentPosition = k;
      j++;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with no row kept, index −1 writes nowhere
    if (j > 0) groupEnd[j - 1] = 1;
    return { order: { order: subOrder, groupEnd }, positives: subPositives };
  });
  return { classCount: parent.classCount, cell, probability: { logLoss, bin, confidence, topCorrect, ranks } };
}

/** Whether any group boundary lies between parent positions from (inclusive) and to (exclusive). */
function hasGroupEnd(groupEnd: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (groupEnd[k]) return true;
  return false;
}
