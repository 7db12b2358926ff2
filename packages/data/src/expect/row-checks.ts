// Checks that judge each row of a column, consuming column batches. Text
// predicates run once per dictionary entry, then per row only a code lookup.
import type { CategoricalColumn, Column, NumericColumn } from '../read/columns.ts';
import { parseNumber } from '../read/columns.ts';
import { hashNumber, hashString } from '../sketch/hyperloglog.ts';

const MAX_SAMPLES = 5;

export abstract class RowCheck {
  failing = 0;
  checked = 0;
  readonly samples = new Set<string>();

  update(column: Column, rowCount: number): void {
    if (column.kind === 'numeric') this.updateNumeric(column, rowCount);
    else this.updateCategorical(column, rowCount);
  }

  protected sample(text: string): void {
    if (this.samples.size < MAX_SAMPLES) this.samples.add(text);
  }

  /** Non-null rows of a numeric column failing `fails`. */
  protected scanNumeric(column: NumericColumn, rowCount: number, fails: (v: number) => boolean): void {
    const { values, nulls } = column;
    for (let i = 0; i < rowCount; i++) {
      if (nulls[i] === 1) continue;
      this.checked++;
      const v = values[i]!;
      if (fails(v)) {
        this.failing++;
        // The bound is checked here, before the text is built, rather than in sample().
        if (this.samples.size < MAX_SAMPLES) this.samples.add(column.timestamp ? new Date(v).toISOString() : String(v));
      }
    }
  }

  /** Non-null rows of a categorical column whose dictionary entry fails `fails`. */
  protected scanCategorical(column: CategoricalColumn, rowCount: number, fails: (text: string) => boolean): void {
    const { codes, dictionary } = column;
    const failing = Uint8Array.from(dictionary, (d) => (fails(d) ? 1 : 0));
    for (let i = 0; i < rowCount; i++) {
      const c = codes[i]!;
      if (c < 0) continue;
      this.checked++;
      if (failing[c] === 1) {
        this.failing++;
        if (this.samples.size < MAX_SAMPLES) this.samples.add(dictionary[c]!);
      }
    }
  }

  protected abstract updateNumeric(column: NumericColumn, rowCount: number): void;
  protected abstract updateCategorical(column: CategoricalColumn, rowCount: number): void;
}

export type ColumnType = 'number' | 'integer' | 'string' | 'boolean' | 'timestamp';
const BOOLEAN_TEXT = new Set(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']);
/** ISO 8601 dates and date-times as text (CSV has no timestamp type). */
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time that parses. */
export function isDateText(text: string): boolean {
  return DATE_TEXT.test(text) && !Number.isNaN(Date.parse(text));
}

export class TypeCheck extends RowCheck {
  private readonly type: ColumnType;
  constructor(type: ColumnType) {
    super();
    this.type = type;
  }

  protected updateNumeric(column: NumericColumn, rowCount: number): void {
    // Text that did not parse as a number is the clearest type failure.
    this.checked += column.invalid.count;
    this.failing += column.invalid.count;
    for (const s of column.invalid.samples) this.sample(s);
    const type = this.type;
    // Stryker disable next-line ArrowFunction: undefined fails no row, as false does
    if (type === 'number' || type === 'string') return this.scanNumeric(column, rowCount, () => false);
    if (type === 'integer') return this.scanNumeric(column, rowCount, (v) => !Number.isInteger(v));
    if (type === 'boolean') return this.scanNumeric(column, rowCount, (v) => v !== 0 && v !== 1);
    const timestamp = column.timestamp;
    this.scanNumeric(column, rowCount, () => !timestamp);
  }

  protected updateCategorical(column: CategoricalColumn, rowCount: number): void {
    const type = this.type;
    // Stryker disable next-line ArrowFunction: undefined fails no row, as false does
    if (type === 'string') return this.scanCategorical(column, rowCount, () => false);
    if (type === 'number') return this.scanCategorical(column, rowCount, (t) => parseNumber(t) === undefined);
    if (type === 'integer') return this.scanCategorical(column, rowCount, (t) => !Number.isInteger(parseNumber(t)));
    if (type === 'boolean') return this.scanCategorical(column, rowCount, (t) => !BOOLEAN_TEXT.has(t));
    this.scanCategorical(column, rowCount, (t) => !isDateText(t));
  }
}

/** Counts nulls over all rows; text that failed to parse as a number is present, not null. */
export class NotNullCheck extends RowCheck {
  protected updateNumeric(column: NumericColumn, rowCount: number): void {
    let nulls = 0;
    for (let i = 0; i < rowCount; i++) nulls += column.nulls[i]!;
    this.checked += rowCount;
    this.failing += nulls - column.invalid.count;
  }

  protected updateCategorical(column: CategoricalColumn, rowCount: number): void {
    let nulls = 0;
    // Stryker disable next-line EqualityOperator: one row past the end reads undefined, which is not below 0
    for (let i = 0; i < rowCount; i++) if (column.codes[i]! < 0) nulls++;
    this.checked += rowCount;
    this.failing += nulls;
  }
}

export class BetweenCheck extends RowCheck {
  private readonly min: number;
  private readonly max: number;
  constructor(min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY) {
    super();
    this.min = min;
    this.max = max;
  }

  protected updateNumeric(column: NumericColumn, rowCount: number): void {
    const { min, max } = this;
    // NaN fails: it is not between anything.
    this.scanNumeric(column, rowCount, (v) => !(v >= min && v <= max));
  }

  protected updateCategorical(column: CategoricalColumn, rowCount: number): void {
    // Text that is not a number is skipped, as in a numeric column (where it is `invalid`): whether a
    // column is read as text or numbers depends on its first batch, and the result must not.
    const { min, max } = this;
    const { codes, dictionary } = column;
    const verdict = Int8Array.from(dictionary, (t) => {
      const v = parseNumber(t);
      return v === undefined ? -1 : v >= min && v <= max ? 0 : 1;
    });
    for (let i = 0; i < rowCount; i++) {
      const c = codes[i]!;
      if (c < 0 || verdict[c] === -1) continue;
      this.checked++;
      if (verdict[c] === 1) {
        this.failing++;
        this.sample(dictionary[c]!);
      }
    }
  }
}

export class InSetCheck extends RowCheck {
  private readonly texts: Set<string>;
  private readonly numbers: Set<number>;
  constructor(values: readonly (string | number | boolean)[]) {
    super();
    this.texts = new Set(values.map(String));
    this.numbers = new Set(
      values
        // Stryker disable next-line ConditionalExpression,StringLiteral: parseNumber(String(n)) is n for a number
        .map((v) => (typeof v === 'number' ? v : parseNumber(String(v))))
        // Stryker disable next-line ConditionalExpression,EqualityOperator: an undefined in the set matches no number
        .filter((v): v is number => v !== undefined),
    );
  }

  protected updateNumeric(column: NumericColumn, rowCount: number): void {
    const numbers = this.numbers;
    this.scanNumeric(column, rowCount, (v) => !numbers.has(v));
  }

  protected updateCategorical(column: CategoricalColumn, rowCount: number): void {
    const texts = this.texts;
    this.scanCategorical(column, rowCount, (t) => !texts.has(t));
  }
}

export class RegexCheck extends RowCheck {
  private readonly pattern: RegExp;
  constructor(pattern: string) {
    super();
    this.pattern = new RegExp(pattern, 'u');
  }

  protected updateNumeric(column: NumericColumn, rowCount: number): void {
    const pattern = this.pattern;
    this.scanNumeric(column, rowCount, (v) => !pattern.test(String(v)));
  }

  protected updateCategorical(column: CategoricalColumn, rowCount: number): void {
    const pattern = this.pattern;
    this.scanCategorical(column, rowCount, (t) => !pattern.test(t));
  }
}

export class LengthCheck extends RowCheck {
  private readonly min: number;
  private readonly max: number;
  constructor(min = 0, max = Number.POSITIVE_INFINITY) {
    super();
    this.min = min;
    this.max = max;
  }

  protected updateNumeric(column: NumericColumn, rowCount: number): void {
    const { min, max } = this;
    this.scanNumeric(column, rowCount, (v) => {
      const n = String(v).length;
      return n < min || n > max;
    });
  }

  protected updateCategorical(column: CategoricalColumn, rowCount: number): void {
    const { min, max } = this;
    this.scanCategorical(column, rowCount, (t) => t.length < min || t.length > max);
  }
}

/**
 * Every non-null row whose value occurs more than once fails. Needs a count per
 * distinct value, so memory grows with the column's cardinality.
 */
export class UniqueCheck extends RowCheck {
  private readonly counts = new Map<string | number, number>();

  protected updateNumeric(column: NumericColumn, rowCount: number): void {
    const { values, nulls } = column;
    for (let i = 0; i < rowCount; i++) {
      if (nulls[i] === 1) continue;
      this.checked++;
      const v = values[i]!;
      this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
    }
  }

  protected updateCategorical(column: CategoricalColumn, rowCount: number): void {
    const perCode = new Int32Array(column.dictionary.length);
    // Stryker disable next-line EqualityOperator: one row past the end reads undefined, which is not a code
    for (let i = 0; i < rowCount; i++) {
      const c = column.codes[i]!;
      // Stryker disable next-line ConditionalExpression: a null's code -1 is no index of the typed array, so the write is dropped
      if (c >= 0) perCode[c]!++;
    }
    column.dictionary.forEach((text, c) => {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: adding 0 rows to a value changes no count that finish() reads
      if (perCode[c]! > 0) this.counts.set(text, (this.counts.get(text) ?? 0) + perCode[c]!);
    });
    for (const n of perCode) this.checked += n;
  }

  /** Tallies the duplicates once all rows are seen. */
  finish(): void {
    this.failing = 0;
    for (const [value, n] of this.counts) {
      if (n < 2) continue;
      this.failing += n;
      this.sample(String(value));
    }
  }
}

/**
 * Rows equal to an earlier row in every column. Rows are compared by a 52-bit
 * hash of all their values (a false match is about n²/2⁵³, negligible below
 * 10⁷ rows).
 */
export class DuplicateRowsCheck {
  failing = 0;
  checked = 0;
  private readonly seen = new Set<number>();
  /** Each column's lane in the hash, by name: JSON batches may add columns as their keys first appear. */
  private readonly lanes = new Map<string, number>();

  update(columns: ReadonlyMap<string, Column>, rowCount: number): void {
    const high = new Uint32Array(rowCount).fill(0x811c9dc5);
    const low = new Uint32Array(rowCount).fill(0x01000193);
    // A null mixes nothing in, so a row that lacks a column hashes as one where it is null.
    for (const [name, column] of columns) {
      let lane = this.lanes.get(name);
      // Stryker disable next-line ArithmeticOperator: any distinct lanes keep the columns apart
      if (lane === undefined) this.lanes.set(name, (lane = this.lanes.size + 1));
      const salt = lane * 0x9e3779b9;
      if (column.kind === 'numeric') {
        // Stryker disable next-line EqualityOperator: one row past the end writes nothing (a typed array ignores it)
        for (let i = 0; i < rowCount; i++) {
          if (column.nulls[i] === 1) continue;
          const h = hashNumber(column.values[i]!);
          high[i] = Math.imul(high[i]! ^ h, 0x01000193);
          // Stryker disable next-line ArithmeticOperator: h - salt mixes the lane in as well as h + salt
          low[i] = Math.imul(low[i]! ^ (h + salt), 0x85ebca6b);
        }
      } else {
        const entryHashes = Uint32Array.from(column.dictionary, hashString);
        // Stryker disable next-line EqualityOperator: one row past the end writes nothing (a typed array ignores it)
        for (let i = 0; i < rowCount; i++) {
          const c = column.codes[i]!;
          if (c < 0) continue;
          const h = entryHashes[c]!;
          high[i] = Math.imul(high[i]! ^ h, 0x01000193);
          // Stryker disable next-line ArithmeticOperator: h - salt mixes the lane in as well as h + salt
          low[i] = Math.imul(low[i]! ^ (h + salt), 0x85ebca6b);
        }
      }
    }
    for (let i = 0; i < rowCount; i++) {
      // Stryker disable next-line ArithmeticOperator: another way to join the halves also keeps distinct rows apart (the tests pin the counts)
      const key = (high[i]! & 0xfffff) * 2 ** 32 + (low[i]! >>> 0);
      if (this.seen.has(key)) this.failing++;
      else this.seen.add(key);
    }
    this.checked += rowCount;
  }
}
