// Writes a reviewable expectations YAML from a profile: types, presence,
// domains of small categorical columns, observed ranges. Every check carries a
// comment with what was observed, so a reviewer can loosen or tighten it.
import { InputError } from '@mlship/errors';
import type { CategoricalProfile, NumericProfile, Profile } from '../profile/profile-schema.ts';
import { formatNumber, formatShare } from './format.ts';

export interface InferOptions {
  /** Categorical columns with at most this many distinct values get an `inSet` (default 100, as TFDV). */
  maxDomainSize?: number;
  /** Where the profile came from, for the header comment. */
  source?: string;
}

const BOOLEAN_TEXT = new Set(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']);

/** Throws InputError for data without rows: what it would infer, its own data fails (rowCount min 1, no types). */
export function inferExpectations(profile: Profile, options: InferOptions = {}): string {
  if (profile.rowCount === 0)
    throw new InputError(
      `${options.source ?? 'the data'} has no rows, so there is nothing to infer expectations from; give data with rows`,
    );
  const maxDomain = options.maxDomainSize ?? 100;
  const out: string[] = [
    `# Expectations inferred by 'mlship data infer'${options.source ? ` from ${options.source}` : ''} (${profile.rowCount} rows).`,
    '# Review before committing: ranges and sets are what this data showed, not what it must be.',
    'schemaVersion: 1',
    'table:',
    '  columns:',
    `    present: ${flow(profile.columns.map((c) => c.name))}`,
    `  rowCount: { min: 1 }  # observed ${profile.rowCount}`,
    'columns:',
  ];
  for (const column of profile.columns) {
    out.push(`  ${key(column.name)}:`);
    out.push(
      ...(column.kind === 'numeric' ? numericChecks(column) : categoricalChecks(column, maxDomain)).map(
        (l) => `    ${l}`,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function presence(count: number, nulls: number): string[] {
  if (count === 0) return [];
  if (nulls === 0) return [`notNull: true  # no nulls in ${count} rows`];
  const share = 1 - nulls / count;
  return [`notNull: { mostly: ${mostlyOf(share)} }  # ${formatShare(share)} non-null observed`];
}

/** An observed passing share rounded down to whole percent, with room for one more point of failures. */
function mostlyOf(share: number): number {
  return Number(Math.max(0, Math.floor(share * 100) / 100 - 0.01).toFixed(2));
}

function numericChecks(c: NumericProfile): string[] {
  // NaN and ±Infinity fail `between` (and `integer`), text that is not a number fails `type`: without a
  // `mostly` for them the file would fail on the very data it was inferred from.
  const nonFinite = c.nanCount + c.posInfCount + c.negInfCount;
  const type = c.timestamp ? 'timestamp' : c.allIntegers ? 'integer' : 'number';
  const typeFailing = c.invalidCount + (type === 'integer' ? nonFinite : 0);
  const typeChecked = c.finiteCount + nonFinite + c.invalidCount;
  const lines = [
    typeFailing > 0
      ? `type: { is: ${type}, mostly: ${mostlyOf(1 - typeFailing / typeChecked)} }  # ${typeFailing} of ${typeChecked} values are not ${type === 'integer' ? 'integers' : 'numbers'}`
      : `type: ${type}`,
    ...presence(c.count, c.nullCount - c.invalidCount),
  ];
  if (c.distinctCount !== null && c.distinctCount === c.finiteCount && c.finiteCount > 1 && nonFinite === 0)
    lines.push(`unique: true  # every value distinct in ${c.finiteCount} rows`);
  if (c.min !== null && c.max !== null && !c.timestamp) {
    const mostly = nonFinite > 0 ? `, mostly: ${mostlyOf(c.finiteCount / (c.finiteCount + nonFinite))}` : '';
    const note = nonFinite > 0 ? `; ${nonFinite} NaN or infinite values` : '';
    lines.push(
      `between: { min: ${c.min}, max: ${c.max}${mostly} }  # observed range; mean ${formatNumber(c.mean)}, stdev ${formatNumber(c.stdev)}${note}`,
    );
  }
  return lines;
}

function categoricalChecks(c: CategoricalProfile, maxDomain: number): string[] {
  const values = c.topValues.items.map(([v]) => v);
  const nonNull = c.count - c.nullCount;
  const type =
    values.length > 0 && c.topValues.exact && values.every((v) => BOOLEAN_TEXT.has(v))
      ? 'boolean'
      : nonNull > 0 && c.dateTextCount === nonNull
        ? 'timestamp'
        : 'string';
  const lines = [`type: ${type}`, ...presence(c.count, c.nullCount)];
  if (c.topValues.exact && values.length > 0 && values.length <= maxDomain && type !== 'timestamp') {
    lines.push(`inSet: ${flow([...values].sort())}  # ${values.length} values observed`);
  } else if (c.distinctCount === nonNull && nonNull > 1) {
    lines.push(`unique: true  # every value distinct in ${nonNull} rows`);
  }
  if (c.minLength !== null && c.maxLength !== null && type === 'string')
    lines.push(`length: { min: ${c.minLength}, max: ${c.maxLength} }`);
  return lines;
}

/** A YAML key or flow value: JSON strings are valid YAML and quote only when needed. */
function key(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_ ()-]*$/.test(name) &&
    !/^(true|false|null|yes|no|on|off|y|n)$/i.test(name) &&
    !/\s$/.test(name)
    ? name
    : JSON.stringify(name);
}

function flow(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}
