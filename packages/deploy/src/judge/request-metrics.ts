// The per-request value of each metric the canary is judged on, and how a
// labelled request is folded into the evidence's running sums. A serving
// runtime calls foldLabelledRequest when a label arrives, so the server and
// the judge agree on what "accuracy" of one request is.
import { LOG_LOSS_EPSILON, higherIsBetter, type PerRequestMetric } from '@mlship/eval';
import { addValue, EMPTY_MOMENTS, type Moments } from './moments.ts';

/** What a model answered for one request. */
export type Prediction =
  | {
      kind: 'class';
      label: string;
      /** Probability per class label, when the model gives them. */
      probabilities?: Record<string, number>;
    }
  | { kind: 'value'; value: number };

/** A label as the feedback call sent it. */
export type Truth = string | number;

/**
 * The metric's value on one request, oriented as the metric is (accuracy 1
 * or 0, log loss −ln p(true class), absolute error...), or undefined when the
 * request cannot give one (no probabilities, a zero label for MAPE, a class
 * model's answer to a regression metric).
 */
export function requestMetricValue(metric: PerRequestMetric, truth: Truth, prediction: Prediction): number | undefined {
  switch (metric) {
    case 'accuracy':
      return prediction.kind === 'class' ? (prediction.label === String(truth) ? 1 : 0) : undefined;
    case 'log_loss': {
      if (prediction.kind !== 'class' || !prediction.probabilities) return undefined;
      const p = prediction.probabilities[String(truth)] ?? 0;
      // Clipped as scikit-learn and the validation step do.
      return -Math.log(Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON));
    }
    case 'mae':
    case 'mape': {
      const y = Number(truth);
      if (prediction.kind !== 'value' || !Number.isFinite(y) || !Number.isFinite(prediction.value)) return undefined;
      const error = Math.abs(prediction.value - y);
      if (metric === 'mae') return error;
      return y === 0 ? undefined : error / Math.abs(y);
    }
  }
}

/** Running sums of one metric over labelled requests that both models scored. */
export interface PairedMoments {
  prod: Moments;
  canary: Moments;
  /** canary − prod, request by request. */
  difference: Moments;
}

/** The labelled part of the evidence. */
export interface LabelledSums {
  /** Labels matched to a scored request. */
  received: number;
  /** Per metric, over labelled requests both models scored (shadow mode). */
  paired: Partial<Record<PerRequestMetric, PairedMoments>>;
  /** Per metric, over labelled requests only the canary scored (split traffic). */
  canary: Partial<Record<PerRequestMetric, Moments>>;
  /** Per metric, over labelled requests only prod scored. */
  prod: Partial<Record<PerRequestMetric, Moments>>;
}

export function emptyLabelledSums(): LabelledSums {
  return { received: 0, paired: {}, canary: {}, prod: {} };
}

/**
 * Adds one labelled request: paired when both models scored it, to the
 * scoring model's own sums otherwise. Returns a new value.
 */
export function foldLabelledRequest(
  sums: LabelledSums,
  metrics: readonly PerRequestMetric[],
  truth: Truth,
  scored: { prod?: Prediction | undefined; canary?: Prediction | undefined },
): LabelledSums {
  const next: LabelledSums = {
    received: sums.received + 1,
    paired: { ...sums.paired },
    canary: { ...sums.canary },
    prod: { ...sums.prod },
  };
  for (const metric of metrics) {
    const prod = scored.prod ? requestMetricValue(metric, truth, scored.prod) : undefined;
    const canary = scored.canary ? requestMetricValue(metric, truth, scored.canary) : undefined;
    if (prod !== undefined && canary !== undefined) {
      const was = next.paired[metric] ?? { prod: EMPTY_MOMENTS, canary: EMPTY_MOMENTS, difference: EMPTY_MOMENTS };
      next.paired[metric] = {
        prod: addValue(was.prod, prod),
        canary: addValue(was.canary, canary),
        difference: addValue(was.difference, canary - prod),
      };
    } else if (canary !== undefined) {
      next.canary[metric] = addValue(next.canary[metric] ?? EMPTY_MOMENTS, canary);
    } else if (prod !== undefined) {
      next.prod[metric] = addValue(next.prod[metric] ?? EMPTY_MOMENTS, prod);
    }
  }
  return next;
}

/** +1 when a larger value is better, −1 when smaller is: turns a difference into "how much better". */
export function goodnessSign(metric: PerRequestMetric): 1 | -1 {
  return higherIsBetter(metric) ? 1 : -1;
}
