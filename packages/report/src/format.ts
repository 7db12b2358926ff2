export interface NumberFormatOptions {
  /** Significant digits to keep (default 3). */
  significantDigits?: number;
}

/**
 * A number for humans: `significantDigits` significant digits, no exponent
 * for ordinary magnitudes, thousands grouped, trailing zeros dropped; NaN and
 * infinities spelled out so a report never shows "NaN" by accident.
 */
export function formatNumber(value: number, options: NumberFormatOptions = {}): string {
  if (Number.isNaN(value)) return 'n/a';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  const digits = options.significantDigits ?? 3;
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || magnitude < 1e-6) return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return new Intl.NumberFormat('en-US', {
    maximumSignificantDigits: digits,
    // Whole-number parts keep every digit: 123456 is never shown as 123000.
    ...(magnitude >= 10 ** digits ? { maximumFractionDigits: 0, maximumSignificantDigits: undefined } : {}),
  }).format(value);
}

/** A fraction as a percentage: 0.1234 -> "12.3%". */
export function formatPercent(fraction: number, options: NumberFormatOptions = {}): string {
  if (!Number.isFinite(fraction)) return formatNumber(fraction);
  return `${formatNumber(fraction * 100, options)}%`;
}

export type DeltaDirection = 'up' | 'down' | 'flat';

export interface DeltaFormatOptions extends NumberFormatOptions {
  /** Show the delta as a percentage of a fraction (0.012 -> "+1.2 pp"). */
  percentagePoints?: boolean;
  /** Show an arrow after the number (default true). */
  arrow?: boolean;
}

const ARROWS: Record<DeltaDirection, string> = { up: '▲', down: '▼', flat: '▬' };

export function deltaDirection(delta: number): DeltaDirection {
  return delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat';
}

/** A signed change: "+0.012 ▲", "-3.4 pp ▼", "0 ▬". */
export function formatDelta(delta: number, options: DeltaFormatOptions = {}): string {
  const direction = deltaDirection(delta);
  const shown = options.percentagePoints ? delta * 100 : delta;
  const number = formatNumber(Math.abs(shown), options);
  const sign = direction === 'up' ? '+' : direction === 'down' ? '-' : '';
  const unit = options.percentagePoints ? ' pp' : '';
  const text = Number.isNaN(delta) ? 'n/a' : `${sign}${direction === 'flat' ? '0' : number}${unit}`;
  return options.arrow === false ? text : `${text} ${ARROWS[direction]}`;
}
