import type { RegressionMetric } from './metric-names.ts';

/** sklearn's mean_absolute_percentage_error guards |y| = 0 with this floor. */
const MAPE_EPSILON = 2.220446049250313e-16;

/** MAE, RMSE, R² and MAPE of predictions, with optional row weights (bootstrap counts). */
export function regressionMetrics(
  truth: Float64Array,
  predicted: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Record<RegressionMetric, number> {
  let total = 0;
  let absErr = 0;
  let sqErr = 0;
  let pctErr = 0;
  let sumY = 0;
  let sumY2 = 0;
  // Sums of (y − y₀) keep the total sum of squares exact when |mean| ≫ spread.
  const y0 = truth[0] ?? 0;
  for (let i = 0; i < truth.length; i++) {
    const w = weights ? weights[i]! : 1;
    // A row of weight 0 is left out whole: 0·∞ would be NaN.
    if (w === 0) continue;
    const y = truth[i]!;
    const e = predicted[i]! - y;
    total += w;
    absErr += w * Math.abs(e);
    sqErr += w * e * e;
    pctErr += (w * Math.abs(e)) / Math.max(Math.abs(y), MAPE_EPSILON);
    // Stryker disable next-line AssignmentOperator: only the square of this sum is used
    sumY += w * (y - y0);
    sumY2 += w * (y - y0) * (y - y0);
  }
  const sst = sumY2 - (sumY * sumY) / total;
  return {
    mae: absErr / total,
    rmse: Math.sqrt(sqErr / total),
    // sklearn: a constant truth gives R² = 1 for a perfect fit and 0 otherwise.
    r2: sst > 0 ? 1 - sqErr / sst : sqErr === 0 ? 1 : 0,
    mape: pctErr / total,
  };
}
