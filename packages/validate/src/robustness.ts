// Prediction stability under small input noise: the first rows are scored
// clean and with Gaussian noise of `noise` standard deviations per feature;
// a classifier's row changes when its class does, a regressor's when its
// prediction moves by more than `regression_tolerance` standard deviations of
// the clean predictions.
import { robustnessOutcome, seededRandom } from '@mlship/eval';
import type { GateOutcome, Task } from '@mlship/eval';
import type { LoadedModel, OutputTensor } from '@mlship/onnx';
import { buildFeeds } from './feature-tensors.ts';
import type { Holdout } from './holdout.ts';
import type { InputFeed } from './input-mapping.ts';
import { outputRoles } from './scoring.ts';

export interface RobustnessConfig {
  noise: number;
  max_flip_rate: number;
  regression_tolerance: number;
  rows: number;
}

export async function robustness(
  model: LoadedModel,
  feeds: InputFeed[],
  holdout: Holdout,
  task: Task,
  config: RobustnessConfig,
  seed: number,
): Promise<GateOutcome> {
  const first = holdout.batches[0]!;
  const n = Math.min(config.rows, first.rowCount);
  const random = seededRandom(seed ^ 0x5eed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const clean = new Map<string, Float64Array>();
  const noisy = new Map<string, Float64Array>();
  for (const [name, col] of first.features) {
    const head = col.subarray(0, n);
    const sd = standardDeviation(head);
    clean.set(name, head);
    // Missing values stay missing; the others move (a NaN σ would have made the whole column NaN).
    noisy.set(
      name,
      Float64Array.from(head, (v) => (Number.isFinite(v) ? v + config.noise * sd * gaussian() : v)),
    );
  }
  const before = await model.run(buildFeeds({ rowCount: n, features: clean }, feeds, new Map()));
  const after = await model.run(buildFeeds({ rowCount: n, features: noisy }, feeds, new Map()));
  const roles = outputRoles(model, task);
  let changed = 0;
  if (task === 'regression') {
    const value = (out: Record<string, OutputTensor>) => {
      const t = out[roles.value!.name]!;
      const width = t.data.length / n;
      return Float64Array.from({ length: n }, (_, i) => Number(t.data[i * width]));
    };
    const a = value(before);
    const b = value(after);
    const limit = config.regression_tolerance * standardDeviation(a);
    for (let i = 0; i < n; i++) if (!(Math.abs(a[i]! - b[i]!) <= limit)) changed++;
  } else {
    const classOf = (out: Record<string, OutputTensor>, i: number): string => {
      if (roles.label) return String(out[roles.label.name]!.data[i]);
      const p = out[roles.probabilities!.name]!.data as Float32Array;
      const width = p.length / n;
      let top = 0;
      for (let c = 1; c < width; c++) if (p[i * width + c]! > p[i * width + top]!) top = c;
      return String(top);
    };
    for (let i = 0; i < n; i++) if (classOf(before, i) !== classOf(after, i)) changed++;
  }
  const what =
    task === 'regression' ? `move by more than ${config.regression_tolerance}σ of the predictions` : 'change class';
  return robustnessOutcome('candidate', changed / n, config.max_flip_rate, config.noise, n, what);
}

/** Population standard deviation of the finite values. */
function standardDeviation(values: Float64Array): number {
  let n = 0;
  let mean = 0;
  for (const v of values) if (Number.isFinite(v)) mean += (v - mean) / ++n;
  let variance = 0;
  for (const v of values) if (Number.isFinite(v)) variance += (v - mean) ** 2;
  return n > 0 ? Math.sqrt(variance / n) : 0;
}
