// Profiles a stream of column batches, and merges profiles (of shards) into
// the profile of the whole.
import { FileFormatError } from '@mlship/errors';
import type { ColumnBatch } from '../read/columns.ts';
import { CategoricalProfiler, NumericProfiler } from './column-profilers.ts';
import { ProfileSchema, type Profile } from './profile-schema.ts';

export interface ProfileOptions {
  /**
   * A reference profile (the training data's): its histogram cuts are reused
   * so the new histograms are exact and comparable bin for bin.
   */
  reference?: Profile;
}

export class DataProfiler {
  rowCount = 0;
  readonly columns = new Map<string, NumericProfiler | CategoricalProfiler>();
  private readonly referenceCuts = new Map<string, number[]>();

  constructor(options: ProfileOptions = {}) {
    for (const c of options.reference?.columns ?? []) {
      if (c.kind === 'numeric' && c.histogram) this.referenceCuts.set(c.name, c.histogram.cuts);
    }
  }

  update(batch: ColumnBatch): void {
    for (const [name, column] of batch.columns) {
      let profiler = this.columns.get(name);
      if (
        profiler === undefined ||
        (isEmpty(profiler) && column.kind === 'numeric' && profiler instanceof CategoricalProfiler)
      ) {
        // A column seen only as nulls so far takes the kind of its first values.
        const fresh =
          column.kind === 'numeric'
            ? new NumericProfiler(name, column.timestamp, this.referenceCuts.get(name))
            : new CategoricalProfiler(name);
        // Rows before a column's first batch (a JSON key first seen later) are nulls.
        fresh.addNulls(profiler ? profiler.count : this.rowCount);
        profiler = fresh;
        this.columns.set(name, profiler);
      }
      if (profiler instanceof NumericProfiler && column.kind === 'numeric') profiler.update(column, batch.rowCount);
      else if (profiler instanceof CategoricalProfiler && column.kind === 'categorical')
        profiler.update(column, batch.rowCount);
      else if (
        profiler instanceof NumericProfiler &&
        column.kind === 'categorical' &&
        allNull(column.codes, batch.rowCount)
      )
        profiler.addNulls(batch.rowCount);
      else {
        throw new FileFormatError(
          `${batch.source.file}: column '${name}' holds ${column.kind === 'numeric' ? 'numbers' : 'text'} here but ${column.kind === 'numeric' ? 'text' : 'numbers'} in earlier rows; make its type consistent`,
          { location: { file: batch.source.file, line: batch.source.firstRow } },
        );
      }
    }
    // A column this batch lacks (JSON records that omit the key) is null in all its rows.
    for (const [name, profiler] of this.columns) if (!batch.columns.has(name)) profiler.addNulls(batch.rowCount);
    this.rowCount += batch.rowCount;
  }

  finish(): Profile {
    return { schemaVersion: 1, rowCount: this.rowCount, columns: [...this.columns.values()].map((c) => c.finish()) };
  }
}

function isEmpty(profiler: NumericProfiler | CategoricalProfiler): boolean {
  return profiler.count === profiler.nullCount;
}

function allNull(codes: Int32Array, rowCount: number): boolean {
  for (let i = 0; i < rowCount; i++) if (codes[i] !== -1) return false;
  return true;
}

export async function profileBatches(
  batches: AsyncIterable<ColumnBatch>,
  options: ProfileOptions = {},
): Promise<Profile> {
  const profiler = new DataProfiler(options);
  for await (const batch of batches) profiler.update(batch);
  return profiler.finish();
}

/**
 * The profile of the union of the shards' data. Counts, moments, min/max and
 * histograms on shared cuts merge exactly; quantiles and distinct counts within
 * their sketches' error. Columns must agree in name, order and kind.
 */
export function mergeProfiles(profiles: readonly Profile[], files?: readonly string[]): Profile {
  const [first, ...rest] = profiles;
  if (first === undefined) throw new Error('mergeProfiles needs at least one profile');
  // Errors name the shard's file when the caller knows it.
  const name = (i: number) => files?.[i] ?? `profile ${i + 1}`;
  const merged = new DataProfiler();
  merged.rowCount = first.rowCount;
  for (const c of first.columns)
    merged.columns.set(
      c.name,
      c.kind === 'numeric' ? NumericProfiler.fromProfile(c) : CategoricalProfiler.fromProfile(c),
    );
  rest.forEach((profile, i) => {
    const names = profile.columns.map((c) => c.name).join(', ');
    const expected = first.columns.map((c) => c.name).join(', ');
    if (names !== expected)
      throw new FileFormatError(
        `${name(i + 1)} has columns (${names}) but ${name(0)} has (${expected}); profile every shard with the same columns`,
        files ? { location: { file: files[i + 1]! } } : {},
      );
    merged.rowCount += profile.rowCount;
    for (const c of profile.columns) {
      const into = merged.columns.get(c.name)!;
      const incoming = c.kind === 'numeric' ? NumericProfiler.fromProfile(c) : CategoricalProfiler.fromProfile(c);
      // A shard that saw only nulls in a column has no kind of its own.
      if (isEmpty(into) && into.constructor !== incoming.constructor) {
        incoming.addNulls(into.count);
        merged.columns.set(c.name, incoming);
        continue;
      }
      if (into instanceof NumericProfiler && incoming instanceof NumericProfiler) into.merge(incoming);
      else if (into instanceof CategoricalProfiler && incoming instanceof CategoricalProfiler) into.merge(incoming);
      else if (isEmpty(incoming)) into.addNulls(incoming.count);
      else
        throw new FileFormatError(
          `${name(i + 1)}: column '${c.name}' is ${c.kind} but ${into instanceof NumericProfiler ? 'numeric' : 'categorical'} in the shards before it; make its type consistent`,
          files ? { location: { file: files[i + 1]! } } : {},
        );
    }
  });
  return merged.finish();
}

/** Parses a profile file's JSON text; errors name the file and the field. */
export function parseProfile(text: string, file: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new FileFormatError(
      `${file}: not valid JSON (${(cause as Error).message}); give a profile written by 'mlship data profile'`,
      { location: { file }, cause },
    );
  }
  const version =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? (json as { schemaVersion?: unknown }).schemaVersion
      : undefined;
  if (version === undefined) {
    throw new FileFormatError(
      `${file}: not a data profile (no schemaVersion); create one with 'mlship data profile DATA --output FILE'`,
      { location: { file } },
    );
  }
  if (version !== 1) {
    throw new FileFormatError(
      `${file}: profile schemaVersion ${JSON.stringify(version)} is not supported (expected 1); re-create it with 'mlship data profile'`,
      { location: { file } },
    );
  }
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FileFormatError(
      `${file}: not a valid data profile at ${issue.path.join('.') || 'the top level'} (${issue.message}); re-create it with 'mlship data profile'`,
      { location: { file } },
    );
  }
  return parsed.data;
}
