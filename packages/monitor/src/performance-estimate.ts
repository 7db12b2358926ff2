// Confidence-based performance estimation (CBPE, as NannyML does it): without
// labels, a calibrated model's probabilities say how often it is right. Row i
// predicted as class ŷ adds p(i, j) to the expected confusion cell [j][ŷ] for
// every true class j, so the expected confusion matrix, and every metric read
// from it, needs no label. ROC AUC comes from the expected ROC curve: ranked by
// a class's score, each row is p of a positive and 1 − p of a negative.
// Valid under covariate shift with calibrated probabilities; under concept
// shift (p(y|x) itself changed) nothing label-free can see the loss.
import { confusionMetrics } from '@mlship/eval';

export interface PerformanceEstimate {
  rows: number;
  /** expectedConfusion[true][predicted], expected counts. */
  expectedConfusion: number[][];
  accuracy: number;
  macroF1: number;
  /** Binary: the positive class's ROC AUC; multi-class: one-vs-rest macro average. NaN below two expected classes. */
  rocAuc: number;
}

/**
 * @param probabilities row-major [N, C] probabilities in class order
 * @param predicted the class the model predicted per row (its own decision); argmax when absent
 */
export function estimatePerformance(
  probabilities: ArrayLike<number>,
  classCount: number,
  predicted?: ArrayLike<number>,
): PerformanceEstimate {
  const rows = Math.floor(probabilities.length / classCount);
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < rows; i++) {
    const base = i * classCount;
    const yHat = predicted ? predicted[i]! : argmax(probabilities, base, classCount);
    for (let j = 0; j < classCount; j++) confusion[j]![yHat]! += probabilities[base + j]!;
  }
  // Read like observed counts, with the realised metrics' own conventions.
  const { values } = confusionMetrics(confusion, rows);
  const aucs: number[] = [];
  for (let k = classCount === 2 ? 1 : 0; k < classCount; k++) {
    const auc = expectedRocAuc(probabilities, classCount, k, rows);
    if (!Number.isNaN(auc)) aucs.push(auc);
  }
  return {
    rows,
    expectedConfusion: confusion,
    accuracy: values.accuracy,
    macroF1: values.macro_f1,
    rocAuc: aucs.length > 0 ? aucs.reduce((a, b) => a + b, 0) / aucs.length : Number.NaN,
  };
}

function argmax(p: ArrayLike<number>, base: number, classCount: number): number {
  let top = 0;
  for (let c = 1; c < classCount; c++) if (p[base + c]! > p[base + top]!) top = c;
  return top;
}

/**
 * The area under the expected ROC curve of class `k` against the rest:
 * Σ over rows of (expected negatives at the row) × (expected positives ranked
 * above it, half of those tied with it), over (expected positives × expected
 * negatives). Ties are one threshold step, as sklearn's roc_curve treats them.
 */
export function expectedRocAuc(probabilities: ArrayLike<number>, classCount: number, k: number, rows: number): number {
  const order = Array.from({ length: rows }, (_, i) => i).sort(
    (a, b) => probabilities[b * classCount + k]! - probabilities[a * classCount + k]!,
  );
  let positives = 0;
  let negatives = 0;
  let area = 0;
  for (let start = 0; start < rows;) {
    const score = probabilities[order[start]! * classCount + k]!;
    let groupPositives = 0;
    let groupNegatives = 0;
    let end = start;
    for (; end < rows && probabilities[order[end]! * classCount + k]! === score; end++) {
      const p = probabilities[order[end]! * classCount + k]!;
      groupPositives += p;
      groupNegatives += 1 - p;
    }
    area += groupNegatives * (positives + groupPositives / 2);
    positives += groupPositives;
    negatives += groupNegatives;
    start = end;
  }
  return positives > 0 && negatives > 0 ? area / (positives * negatives) : Number.NaN;
}
