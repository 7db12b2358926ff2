/** 0.0345 -> "3.45%"; small shares keep two significant digits. */
export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct === 0 || pct >= 10) return `${Number(pct.toFixed(1))}%`;
  return `${Number(pct.toPrecision(2))}%`;
}

/** Up to four significant digits after the point, no exponent for everyday magnitudes. */
export function formatNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e15 || (v !== 0 && Math.abs(v) < 1e-4)) return v.toExponential(3);
  return String(Number(v.toFixed(Math.abs(v) >= 100 ? 2 : 4)));
}
