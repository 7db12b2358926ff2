// The distances and tests drift is judged by. Pure functions of counts.

/** Proportions with empty bins lifted to a small floor, so logarithms stay finite. */
function smoothed(counts: readonly number[], floor = 1e-4): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 1 / counts.length);
  const p = counts.map((c) => Math.max(c / total, floor));
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / sum);
}

/** Population stability index: sum over bins of (a - e) ln(a / e). */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[]): number {
  const e = smoothed(reference);
  const a = smoothed(current);
  let psi = 0;
  for (let i = 0; i < e.length; i++) psi += (a[i]! - e[i]!) * Math.log(a[i]! / e[i]!);
  return psi;
}

/** Jensen-Shannon distance with base-2 logarithms: in [0, 1]. */
export function jensenShannonDistance(reference: readonly number[], current: readonly number[]): number {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const tp = sum(reference);
  const tq = sum(current);
  if (tp === 0 || tq === 0) return tp === tq ? 0 : 1;
  let divergence = 0;
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN shares, which both guards below skip
  for (let i = 0; i < reference.length; i++) {
    const p = reference[i]! / tp;
    const q = current[i]! / tq;
    const m = (p + q) / 2;
    if (p > 0) divergence += 0.5 * p * Math.log2(p / m);
    if (q > 0) divergence += 0.5 * q * Math.log2(q / m);
  }
  return Math.sqrt(Math.max(0, divergence));
}

/** Asymptotic two-sample KS p-value (Kolmogorov distribution, Stephens' small-sample correction). */
export function ksPValue(d: number, n1: number, n2: number): number {
  const ne = (n1 * n2) / (n1 + n2);
  if (ne <= 0) return 1;
  const sqrtNe = Math.sqrt(ne);
  const lambda = (sqrtNe + 0.12 + 0.11 / sqrtNe) * d;
  // Below λ = 0.2, Q(λ) is 1 within 5e-13, and the alternating series converges too slowly to
  // sum: cut at 100 terms it gave p = 0.078 at λ = 0.002 (a KS distance of 3e-6 between a
  // million rows a side) where the truth is 1.
  // Stryker disable next-line EqualityOperator: at λ = 0.2 exactly both ways give 1 within 5e-13
  if (lambda < 0.2) return 1;
  let sum = 0;
  // Stryker disable next-line EqualityOperator: from λ = 0.2 the terms fall below 1e-12 by the 19th
  for (let k = 1; k <= 100; k++) {
    const term = (k % 2 === 1 ? 2 : -2) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the terms left after the first below 1e-12 change the sum by less than that
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Chi-square test of homogeneity for two count vectors over the same
 * categories. `slack`: how far each count may be from the truth (a sketch's
 * error bound); each deviation shrinks by it, so the test stays conservative.
 */
export function chiSquareHomogeneity(
  reference: readonly number[],
  current: readonly number[],
  slack = 0,
): { chiSquare: number; df: number; pValue: number; cramersV: number } {
  const n1 = reference.reduce((a, b) => a + b, 0);
  const n2 = current.reduce((a, b) => a + b, 0);
  const n = n1 + n2;
  let chiSquare = 0;
  let categories = 0;
  for (let i = 0; i < reference.length; i++) {
    const column = reference[i]! + current[i]!;
    if (column === 0) continue;
    categories++;
    const e1 = (column * n1) / n;
    const e2 = (column * n2) / n;
    const d1 = Math.max(0, Math.abs(reference[i]! - e1) - slack);
    const d2 = Math.max(0, Math.abs(current[i]! - e2) - slack);
    chiSquare += d1 ** 2 / e1 + d2 ** 2 / e2;
  }
  const df = Math.max(1, categories - 1);
  // For a 2 x k table, Cramer's V = sqrt(chi2 / (n * (min(2, k) - 1))) = sqrt(chi2 / n).
  return {
    chiSquare,
    df,
    // No rows: χ² is 0, whose survival is 1.
    pValue: chiSquareSurvival(chiSquare, df),
    cramersV: n > 0 ? Math.sqrt(chiSquare / n) : 0,
  };
}

/** P(X >= x) for X ~ chi-square(df): the regularised upper incomplete gamma Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  // Stryker disable next-line EqualityOperator: at x = 0 the series gives 1 − 0·… = 1 as well
  if (x <= 0) return 1;
  return upperGammaRegularised(df / 2, x / 2);
}

// Numerical Recipes' series and continued fraction for the incomplete gamma function.
function upperGammaRegularised(a: number, x: number): number {
  const lnGammaA = logGamma(a);
  // Stryker disable next-line EqualityOperator: at x = a + 1 the series and the continued fraction agree
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    // Stryker disable next-line EqualityOperator: the series has converged long before its thousandth term
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the terms after convergence add less than the sum's last digit
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - lnGammaA));
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  // Stryker disable next-line EqualityOperator: the continued fraction has converged long before its thousandth step
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: Lentz's guard against a zero denominator, which these inputs never reach
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: Lentz's guard against a zero denominator, which these inputs never reach
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: once converged each step multiplies by 1
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - lnGammaA) * h);
}

/** Lanczos approximation of ln Gamma(x), x > 0. */
function logGamma(x: number): number {
  const g = [
    76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2,
    -0.5395239384953e-5,
  ];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let series = 1.000000000190015;
  for (const c of g) series += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * series) / x);
}

/**
 * Benjamini-Hochberg: which p-values are discoveries at false discovery rate
 * alpha. Returns the adjusted p-values (q-values) in input order.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  // Stryker disable next-line ArrayDeclaration: every index is assigned below, whatever the initial length
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const [p, index] = order[rank - 1]!;
    running = Math.min(running, (p * m) / rank);
    adjusted[index] = running;
  }
  return adjusted;
}
