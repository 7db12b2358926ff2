// Tiny trainers so the demo and tests can fit real models on real data in
// milliseconds, with no Python toolchain. Full-batch gradient descent on
// standardised features is enough for a few thousand rows and a handful of
// features; the scaling is folded back into the weights so the exported model
// takes raw feature values.

export interface LinearFit {
  /** One row per class (classification) or a single row (regression), in raw feature units. */
  weights: number[][];
  bias: number[];
}

export interface SoftmaxTrainingOptions {
  /** Feature columns, all the same length. */
  features: ArrayLike<number>[];
  /** Class index per row, 0 ≤ y < classCount. */
  labels: ArrayLike<number>;
  classCount: number;
  epochs?: number;
  learningRate?: number;
  /** L2 penalty on the standardised weights. */
  l2?: number;
  /** Weights to start from (a checkpoint), in raw feature units; zeros by default. */
  from?: LinearFit;
  /** Called after each epoch with the mean cross-entropy over the rows before its step. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Multinomial logistic regression (softmax), the model behind sklearn's LogisticRegression. */
export function trainSoftmaxRegression(options: SoftmaxTrainingOptions): LinearFit {
  const { features, labels, classCount } = options;
  const epochs = options.epochs ?? 300;
  const rate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-4;
  const n = labels.length;
  const f = features.length;
  const { columns, mean, scale } = standardise(features, n);
  const w = Array.from({ length: classCount }, () => new Float64Array(f));
  const b = new Float64Array(classCount);
  // Raw units to standardised ones: w·x + b = (w∘σ)·(x − μ)/σ + (b + w·μ).
  if (options.from) {
    for (let c = 0; c < classCount; c++) {
      const raw = options.from.weights[c]!;
      b[c] = options.from.bias[c]! + raw.reduce((s, v, j) => s + v * mean[j]!, 0);
      for (let j = 0; j < f; j++) w[c]![j] = raw[j]! * scale[j]!;
    }
  }
  const logits = new Float64Array(classCount);
  const gradW = Array.from({ length: classCount }, () => new Float64Array(f));
  const gradB = new Float64Array(classCount);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const g of gradW) g.fill(0);
    gradB.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < classCount; c++) {
        let z = b[c]!;
        const wc = w[c]!;
        for (let j = 0; j < f; j++) z += wc[j]! * columns[j]![i]!;
        logits[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < classCount; c++) sum += logits[c] = Math.exp(logits[c]! - max);
      const y = labels[i]!;
      loss -= Math.log(logits[y]! / sum);
      for (let c = 0; c < classCount; c++) {
        const err = logits[c]! / sum - (c === y ? 1 : 0);
        gradB[c]! += err;
        const gc = gradW[c]!;
        for (let j = 0; j < f; j++) gc[j]! += err * columns[j]![i]!;
      }
    }
    for (let c = 0; c < classCount; c++) {
      b[c]! -= (rate * gradB[c]!) / n;
      const wc = w[c]!;
      const gc = gradW[c]!;
      for (let j = 0; j < f; j++) wc[j]! -= rate * (gc[j]! / n + l2 * wc[j]!);
    }
    options.onEpoch?.(epoch + 1, loss / n);
  }
  return unstandardise(w, b, mean, scale);
}

export interface LinearRegressionOptions {
  features: ArrayLike<number>[];
  targets: ArrayLike<number>;
  /** Ridge penalty on standardised weights; give one when features are collinear. */
  l2?: number;
}

/** Least squares by the normal equations (XᵀX + λI)w = Xᵀy on standardised features. */
export function trainLinearRegression(options: LinearRegressionOptions): LinearFit {
  const { features, targets } = options;
  const n = targets.length;
  const f = features.length;
  const l2 = options.l2 ?? 0;
  const { columns, mean, scale } = standardise(features, n);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += targets[i]! / n;
  // Centred features make the intercept the target mean, so only w is solved for.
  const a = Array.from({ length: f }, () => new Float64Array(f + 1));
  for (let j = 0; j < f; j++) {
    for (let k = 0; k <= j; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += columns[j]![i]! * columns[k]![i]!;
      a[j]![k] = a[k]![j] = s + (j === k ? l2 * n : 0);
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += columns[j]![i]! * (targets[i]! - yMean);
    a[j]![f] = s;
  }
  const w = solveAugmented(a);
  return unstandardise([w], Float64Array.of(yMean), mean, scale);
}

function standardise(features: ArrayLike<number>[], n: number) {
  const mean = new Float64Array(features.length);
  const scale = new Float64Array(features.length);
  const columns = features.map((col, j) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += col[i]! / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (col[i]! - m) ** 2 / n;
    mean[j] = m;
    scale[j] = Math.sqrt(v) || 1;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (col[i]! - m) / scale[j]!;
    return out;
  });
  return { columns, mean, scale };
}

/** w·(x − μ)/σ + b  =  (w/σ)·x + (b − Σ wμ/σ). */
function unstandardise(w: Float64Array[], b: Float64Array, mean: Float64Array, scale: Float64Array): LinearFit {
  const weights = w.map((row) => Array.from(row, (v, j) => v / scale[j]!));
  const bias = Array.from(b, (bc, c) => bc - weights[c]!.reduce((s, v, j) => s + v * mean[j]!, 0));
  return { weights, bias };
}

/** Gauss-Jordan elimination with partial pivoting on an [f × (f+1)] augmented matrix. */
function solveAugmented(a: Float64Array[]): Float64Array {
  const f = a.length;
  for (let col = 0; col < f; col++) {
    let pivot = col;
    for (let r = col + 1; r < f; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-300) throw new Error('linear regression: features are linearly dependent');
    for (let r = 0; r < f; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / p;
      if (factor === 0) continue;
      for (let k = col; k <= f; k++) a[r]![k]! -= factor * a[col]![k]!;
    }
  }
  return Float64Array.from(a, (row, j) => row[f]! / row[j]!);
}
