// Metric values against published references (scikit-learn docstring
// examples) and hand-computed small cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics } from './classification-metrics.ts';
import { regressionMetrics } from './regression-metrics.ts';
import { positivesInOrder, rankingMetrics, scoreOrder } from './ranking-metrics.ts';

const close = (actual: number | undefined, expected: number, tolerance = 1e-9) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);

/** Binary probabilities [N, 2] from P(class 1). */
const binary = (p1: number[]) => Float64Array.from(p1.flatMap((p) => [1 - p, p]));

test('roc_auc_score and average_precision_score docstring examples: 0.75 and 0.8333', () => {
  const m = classificationMetrics(
    Int32Array.of(0, 0, 1, 1),
    { predicted: Int32Array.of(0, 0, 0, 1), probabilities: binary([0.1, 0.4, 0.35, 0.8]) },
    2,
  );
  close(m.values.roc_auc, 0.75);
  close(m.values.pr_auc, 0.8333333333333333);
});

test('log_loss docstring example (ham/spam): 0.21616', () => {
  // classes sorted as sklearn does: ham = 0, spam = 1; rows are spam, ham, ham, spam.
  const p = Float64Array.of(0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65);
  const m = classificationMetrics(
    Int32Array.of(1, 0, 0, 1),
    { predicted: Int32Array.of(1, 0, 0, 1), probabilities: p },
    2,
  );
  close(m.values.log_loss, 0.21616187468057912, 1e-12);
});

test('precision_recall_fscore_support docstring example, macro: 0.222, 0.333, 0.267', () => {
  // cat = 0, dog = 1, pig = 2
  const truth = Int32Array.of(0, 1, 2, 0, 1, 2);
  const predicted = Int32Array.of(0, 2, 1, 0, 0, 1);
  const m = classificationMetrics(truth, { predicted }, 3);
  close(m.values.macro_precision, 0.2222222222222222);
  close(m.values.macro_recall, 0.3333333333333333);
  close(m.values.macro_f1, 0.26666666666666666);
  assert.deepEqual(m.confusion, [
    [2, 0, 0],
    [1, 0, 1],
    [0, 2, 0],
  ]);
  close(m.values.accuracy, 2 / 6);
});

test('accuracy_score docstring example: 0.5', () => {
  close(
    classificationMetrics(Int32Array.of(0, 2, 1, 3), { predicted: Int32Array.of(0, 1, 2, 3) }, 4).values.accuracy,
    0.5,
  );
});

test('expected calibration error, hand-computed over 10 equal-width bins', () => {
  // Top-label confidences 0.95 (right), 0.95 (wrong), 0.65 (right), 0.55 (right):
  // bin 9: |1.9 − 1| = 0.9; bin 6: |0.65 − 1| = 0.35; bin 5: |0.55 − 1| = 0.45; ECE = 1.7 / 4.
  const truth = Int32Array.of(1, 0, 0, 1);
  const probabilities = binary([0.95, 0.95, 0.35, 0.55]);
  const m = classificationMetrics(truth, { predicted: Int32Array.of(1, 1, 0, 1), probabilities }, 2);
  close(m.values.ece, 1.7 / 4, 1e-12);
});

test('macro averages skip a declared class that never occurs, as sklearn does: [0,0,1,1] predicted exactly scores 1', () => {
  // sklearn's f1_score(average='macro') averages over the labels in y_true ∪ y_pred = {0, 1}: (1 + 1)/2 = 1.
  // Averaging over all 3 declared classes would give (1 + 1 + 0)/3 = 0.667.
  const truth = Int32Array.of(0, 0, 1, 1);
  const m = classificationMetrics(truth, { predicted: Int32Array.of(0, 0, 1, 1) }, 3);
  assert.deepEqual(
    [m.values.macro_precision, m.values.macro_recall, m.values.macro_f1, m.values.accuracy],
    [1, 1, 1, 1],
  );
  assert.deepEqual(m.perClass.support, [2, 2, 0]);
  // A class in the truth that is never predicted is present too: recall (1 + 0)/2, precision (2/4 + 0)/2,
  // F1 (2·0.5·1/1.5 + 0)/2 = 1/3.
  const never = classificationMetrics(truth, { predicted: Int32Array.of(0, 0, 0, 0) }, 3);
  assert.deepEqual([never.values.macro_recall, never.values.macro_precision], [0.5, 0.25]);
  close(never.values.macro_f1, 1 / 3);
  // A class that is only predicted is present: per class precision 2/2, 1/1, 0/1 → (1 + 1 + 0)/3;
  // recall 2/2, 1/2, 0 → 0.5; F1 1, 2·1·0.5/1.5 = 2/3, 0 → (5/3)/3.
  const wrong = classificationMetrics(truth, { predicted: Int32Array.of(0, 0, 1, 2) }, 3);
  close(wrong.values.macro_precision, 2 / 3);
  close(wrong.values.macro_recall, 0.5);
  close(wrong.values.macro_f1, (1 + 2 / 3) / 3);
});

test('ECE bins are [k/10, (k+1)/10): confidences 0.78 (right) and 0.81 (wrong) fall in different bins, ECE 0.515', () => {
  // Bin 7: |0.78 − 1| = 0.22; bin 8: |0.81 − 0| = 0.81; ECE = (0.22 + 0.81)/2 = 0.515.
  // In one bin they would give |1.59 − 1|/2 = 0.295.
  const m = classificationMetrics(
    Int32Array.of(1, 0),
    { predicted: Int32Array.of(1, 1), probabilities: binary([0.78, 0.81]) },
    2,
  );
  close(m.values.ece, 0.515, 1e-12);
  // Edges: 0.8 opens bin 8 (with 0.81: |1.61 − 1|/2 = 0.305, not 0.1 + 0.81 over two bins),
  // and a confidence of 1 (wrong) shares the last bin with 0.95 (right): |1.95 − 1|/2 = 0.475 (alone: 0.525).
  const edge = classificationMetrics(
    Int32Array.of(1, 0),
    { predicted: Int32Array.of(1, 1), probabilities: binary([0.8, 0.81]) },
    2,
  );
  close(edge.values.ece, 0.305, 1e-12);
  const top = classificationMetrics(
    Int32Array.of(0, 1),
    { predicted: Int32Array.of(1, 1), probabilities: binary([1, 0.95]) },
    2,
  );
  close(top.values.ece, 0.475, 1e-12);
});

test('ROC AUC and PR AUC are undefined when the truth holds one class (nothing to rank against)', () => {
  const p = Float64Array.of(0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1);
  const m = classificationMetrics(Int32Array.of(0, 0, 0), { predicted: Int32Array.of(0, 0, 1), probabilities: p }, 3);
  assert.ok(Number.isNaN(m.values.roc_auc) && Number.isNaN(m.values.pr_auc));
  // The other probability metrics still are: log loss −(ln 0.8 + ln 0.6 + ln 0.2)/3.
  close(m.values.log_loss, -(Math.log(0.8) + Math.log(0.6) + Math.log(0.2)) / 3, 1e-12);
  const binaryOneClass = classificationMetrics(
    Int32Array.of(1, 1),
    { predicted: Int32Array.of(1, 1), probabilities: binary([0.9, 0.6]) },
    2,
  );
  assert.ok(Number.isNaN(binaryOneClass.values.roc_auc) && Number.isNaN(binaryOneClass.values.pr_auc));
});

test('multi-class ROC AUC is the one-vs-rest macro average, hand-computed', () => {
  // Scores per row for classes 0, 1, 2; one-vs-rest AUCs: class 0 = 1, class 1 = 0.75, class 2 = 1.
  const truth = Int32Array.of(0, 1, 2, 1);
  const p = Float64Array.of(0.7, 0.2, 0.1, 0.3, 0.4, 0.3, 0.1, 0.2, 0.7, 0.2, 0.2, 0.6);
  const m = classificationMetrics(truth, { predicted: Int32Array.of(0, 1, 2, 2), probabilities: p }, 3);
  // class 1: positives scores 0.4, 0.2; negatives 0.2, 0.2 → pairs: (0.4>0.2)×2 = 2, (0.2 vs 0.2) ties 2×½ = 1 → 3/4.
  close(m.values.roc_auc, (1 + 0.75 + 1) / 3);
});

test('weighted ranking metrics equal the unweighted ones on duplicated rows', () => {
  const scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9];
  const labels = [0, 1, 0, 1, 0, 1];
  const weights = [2, 1, 3, 1, 0, 2];
  const dupScores: number[] = [];
  const dupLabels: number[] = [];
  scores.forEach((s, i) => {
    for (let k = 0; k < weights[i]!; k++) {
      dupScores.push(s);
      dupLabels.push(labels[i]!);
    }
  });
  const order = scoreOrder(scores);
  const dupOrder = scoreOrder(dupScores);
  const weighted = rankingMetrics(order, positivesInOrder(order, labels, 1), weights);
  const duplicated = rankingMetrics(dupOrder, positivesInOrder(dupOrder, dupLabels, 1));
  close(weighted.rocAuc, duplicated.rocAuc, 1e-12);
  close(weighted.averagePrecision, duplicated.averagePrecision, 1e-12);
});

test('regression docstring examples: MAE 0.5, RMSE √0.375, R² 0.9486, MAPE 0.3273', () => {
  const m = regressionMetrics(Float64Array.of(3, -0.5, 2, 7), [2.5, 0.0, 2, 8]);
  close(m.mae, 0.5);
  close(m.rmse, Math.sqrt(0.375));
  close(m.r2, 0.9486081370449679, 1e-12);
  close(m.mape, 0.3273809523809524, 1e-12);
});

test('R² is exact for large offsets (sum of squares around the first value)', () => {
  const truth = Float64Array.of(1e9 + 1, 1e9 + 2, 1e9 + 3);
  close(regressionMetrics(truth, [1e9 + 1, 1e9 + 2, 1e9 + 4]).r2, 1 - 1 / 2, 1e-9);
});

test('a subset prepared from the whole set scores exactly like the subset prepared alone, ties included', async () => {
  const { prepareClassifier, preparedMetrics, subsetPrepared } = await import('./classification-metrics.ts');
  const n = 400;
  const truth = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3);
  // Coarse scores make many ties across and within the subset.
  const probabilities = Float64Array.from({ length: n * 3 }, (_, k) => {
    const row = Math.floor(k / 3);
    const raw = [((row * 13) % 5) / 10, ((row * 5) % 4) / 10, 0.1];
    const sum = raw[0]! + raw[1]! + raw[2]!;
    return raw[k % 3]! / sum;
  });
  const predicted = Int32Array.from({ length: n }, (_, i) => (i * 11) % 3);
  const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1 && i % 7 !== 0);
  const pick = <T extends Int32Array | Float64Array>(a: T, width = 1) =>
    (a.constructor as unknown as { from(x: number[]): T }).from(
      [...rows].flatMap((r) => Array.from({ length: width }, (_, j) => a[r * width + j]!)),
    );
  const alone = preparedMetrics(
    prepareClassifier(pick(truth), { predicted: pick(predicted), probabilities: pick(probabilities, 3) }, 3),
  );
  const derived = preparedMetrics(subsetPrepared(prepareClassifier(truth, { predicted, probabilities }, 3), rows));
  for (const [k, v] of Object.entries(alone.values)) close(derived.values[k as keyof typeof alone.values], v, 1e-12);
  assert.deepEqual(derived.confusion, alone.confusion);
});

test('a subset of rows scores like the subset alone without probabilities too', async () => {
  const { prepareClassifier, preparedMetrics, subsetPrepared } = await import('./classification-metrics.ts');
  const parent = prepareClassifier(Int32Array.of(0, 1, 1, 0, 1), { predicted: Int32Array.of(0, 1, 0, 0, 0) }, 2);
  const subset = preparedMetrics(subsetPrepared(parent, Int32Array.of(1, 2, 3)));
  // Rows 1, 2, 3: truth 1, 1, 0; predicted 1, 0, 0 → accuracy 2/3, confusion [[1, 0], [1, 1]].
  assert.deepEqual(subset.confusion, [
    [1, 0],
    [1, 1],
  ]);
  close(subset.values.accuracy, 2 / 3);
  assert.equal(subset.values.roc_auc, undefined);
});

test('a first group of weight 0 adds nothing to average precision (no 0·(0/0))', () => {
  // Scores 0.9 (+, weight 0), 0.8 (+), 0.3 (−): the positive that counts is ranked first: AP 1, ROC AUC 1.
  const order = scoreOrder([0.9, 0.8, 0.3]);
  const r = rankingMetrics(order, positivesInOrder(order, [1, 1, 0], 1), [0, 1, 1]);
  assert.deepEqual([r.averagePrecision, r.rocAuc], [1, 1]);
});

test('score order: descending at float32 precision, ties together in row order, NaN last', () => {
  const scores = [0.5, Number.NaN, 0.25, 0.5, -1, 0.30000001, 0.3, 0, -0];
  const { order, groupEnd } = scoreOrder(scores);
  // 0.30000001 and 0.3 are the same float32, so they tie.
  assert.deepEqual(Array.from(order), [0, 3, 5, 6, 2, 7, 8, 4, 1]);
  assert.deepEqual(Array.from(groupEnd), [0, 1, 0, 1, 1, 0, 1, 1, 1]);
});

test('log loss clips probabilities to [1e-15, 1 − 1e-15] as sklearn does', () => {
  // A true class given probability 0 costs −ln(1e-15) = 34.5387764; one given 1 costs −ln(1 − 1e-15) ≈ 1.1e-15.
  const m = classificationMetrics(
    Int32Array.of(1, 0),
    { predicted: Int32Array.of(0, 0), probabilities: Float64Array.of(1, 0, 1, 0) },
    2,
  );
  close(m.values.log_loss, (34.538776394910684 + 1.1102230246251565e-15) / 2, 1e-9);
  const sure = classificationMetrics(
    Int32Array.of(0),
    { predicted: Int32Array.of(0), probabilities: Float64Array.of(1, 0) },
    2,
  );
  assert.equal(sure.values.log_loss, -Math.log(1 - 1e-15));
});

test('the top label is the first of tied probabilities (numpy argmax), and a row of negative scores stays in bin 0', () => {
  // Row 0: 0.4, 0.4, 0.2 with truth 0 → top class 0, right: bin 4, |0.4 − 1| = 0.6.
  // Row 1: −0.3, −0.1, −0.2 (a broken model) → top class 1 at −0.1, wrong; floor(−1) is kept in bin 0: |−0.1 − 0|.
  const m = classificationMetrics(
    Int32Array.of(0, 0),
    { predicted: Int32Array.of(0, 1), probabilities: Float64Array.of(0.4, 0.4, 0.2, -0.3, -0.1, -0.2) },
    3,
  );
  close(m.values.ece, (0.6 + 0.1) / 2, 1e-12);
});

test('binary ranking metrics use the second class as positive: average precision is not symmetric in the classes', () => {
  // Class 1 as positive ranks 0.9 (+), 0.5 (−), 0.2 (+): AP = (1/1 + 2/3)/2 = 0.8333, ROC AUC 1/2.
  // Class 0 as positive ranks 0.8 (−), 0.5 (+), 0.1 (−): AP = 1/2, so averaging both classes would give 0.6667.
  const m = classificationMetrics(
    Int32Array.of(1, 1, 0),
    { predicted: Int32Array.of(1, 0, 0), probabilities: binary([0.9, 0.2, 0.5]) },
    2,
  );
  close(m.values.pr_auc, 5 / 6);
  close(m.values.roc_auc, 0.5);
});

test('no rows: every metric is NaN rather than a number', () => {
  const m = classificationMetrics(
    new Int32Array(0),
    { predicted: new Int32Array(0), probabilities: new Float64Array(0) },
    2,
  );
  for (const name of ['accuracy', 'macro_precision', 'macro_f1', 'log_loss', 'ece', 'roc_auc', 'pr_auc'] as const)
    assert.ok(Number.isNaN(m.values[name]), name);
});

test('regression: a constant truth gives R² 1 for a perfect fit and 0 otherwise (sklearn); MAPE divides by at least 2.2e-16', () => {
  assert.equal(regressionMetrics(Float64Array.of(5, 5, 5), [5, 5, 5]).r2, 1);
  assert.equal(regressionMetrics(Float64Array.of(5, 5, 5), [5, 6, 5]).r2, 0);
  // |1 − 0|/2.220446049250313e-16 over one row.
  close(regressionMetrics(Float64Array.of(0), [1]).mape, 1 / 2.220446049250313e-16, 1);
  // A row of weight 0 is left out whole, even with an infinite prediction.
  assert.deepEqual(regressionMetrics(Float64Array.of(1, 2), [1, Infinity], [1, 0]), {
    mae: 0,
    rmse: 0,
    r2: 1,
    mape: 0,
  });
  // Zero weights drop rows: the weighted metrics equal those of the rows kept.
  const weighted = regressionMetrics(Float64Array.of(3, -0.5, 2, 7, 100), [2.5, 0.0, 2, 8, -100], [1, 1, 1, 1, 0]);
  close(weighted.mae, 0.5);
  close(weighted.r2, 0.9486081370449679, 1e-12);
  // Weight 2 counts a row twice: MAE (2·0.5 + 0.5 + 0 + 1)/5 = 0.5, RMSE √((2·0.25 + 0.25 + 0 + 1)/5).
  const doubled = regressionMetrics(Float64Array.of(3, -0.5, 2, 7), [2.5, 0.0, 2, 8], [2, 1, 1, 1]);
  close(doubled.mae, 0.5);
  close(doubled.rmse, Math.sqrt(1.75 / 5));
});
