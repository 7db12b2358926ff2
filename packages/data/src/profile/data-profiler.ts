// Profiles a stream of column batches, and merges profiles (of shards) into
// the profile of the whole.
import { FileFormatError } from '@mlship/errors';
import type { ColumnBatch } from '../read/columns.ts';
import { CategoricalProfiler, NumericProfiler, numericProfileOf, type ExactColumnStats } from './column-profilers.ts';
import { HyperLogLog } from '../sketch/hyperloglog.ts';
import { mergeSummaries } from '../sketch/rank-summary.ts';
import {
  PROFILE_SCHEMA_VERSION,
  ProfileSchema,
  type CategoricalProfile,
  type NumericProfile,
  type Profile,
} from './profile-schema.ts';

export interface ProfileOptions {
  /**
   * A reference profile (the training data's): its histogram cuts are reused
   * so the new histograms are exact and comparable bin for bin.
   */
  reference?: Profile;
}

/** What to count exactly once the pass is over: points of numeric columns, distinct values. */
export interface ExactCountRequest {
  points: Map<string, Float64Array>;
  distinct: string[];
}

export class DataProfiler {
  rowCount = 0;
  readonly columns = new Map<string, NumericProfiler | CategoricalProfiler>();
  private readonly reference: Map<string, NumericProfile>;

  constructor(options: ProfileOptions = {}) {
    this.reference = new Map(
      (options.reference?.columns ?? []).flatMap((c) => (c.kind === 'numeric' ? [[c.name, c] as const] : [])),
    );
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
          column.kind === 'numeric' ? new NumericProfiler(name, column.timestamp) : new CategoricalProfiler(name);
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

  /** Numeric columns' points (own and the reference's) and the columns whose distinct values the sketches cannot count. */
  exactCountRequest(): ExactCountRequest {
    const points = new Map<string, Float64Array>();
    const distinct: string[] = [];
    for (const [name, c] of this.columns) {
      if (c instanceof NumericProfiler) {
        points.set(name, c.points(this.reference.get(name)));
        if (c.finiteCount > 0) distinct.push(name);
      } else if (!c.top.toState().exact) distinct.push(name);
    }
    return { points, distinct };
  }

  /** The profile, given the exact counts of `exactCountRequest()` (engine/exact-counts.ts). */
  finish(exact: { points: Map<string, ExactColumnStats['points']>; distinct: Map<string, number> }): Profile {
    const stats = (name: string): ExactColumnStats => {
      const points = exact.points.get(name);
      const distinctCount = exact.distinct.get(name);
      return { ...(points ? { points } : {}), ...(distinctCount !== undefined ? { distinctCount } : {}) };
    };
    return {
      schemaVersion: PROFILE_SCHEMA_VERSION,
      rowCount: this.rowCount,
      columns: [...this.columns.values()].map((c) =>
        c instanceof NumericProfiler ? c.finish(stats(c.name), this.reference.get(c.name)) : c.finish(stats(c.name)),
      ),
    };
  }
}

function isEmpty(profiler: NumericProfiler | CategoricalProfiler): boolean {
  return profiler.count === profiler.nullCount;
}

function allNull(codes: Int32Array, rowCount: number): boolean {
  for (let i = 0; i < rowCount; i++) if (codes[i] !== -1) return false;
  return true;
}

/**
 * The profile of the union of the shards' data. Counts, moments and min/max
 * merge exactly; the quantile summary keeps every shard's points with the
 * bounds the others allow (exact at shared points, such as a reference's,
 * when every shard was profiled against it); distinct counts within the
 * sketch's error. Columns must agree in name, order and kind.
 */
export function mergeProfiles(profiles: readonly Profile[], files?: readonly string[]): Profile {
  const [first, ...rest] = profiles;
  if (first === undefined) throw new Error('mergeProfiles needs at least one profile');
  // Errors name the shard's file when the caller knows it.
  const name = (i: number) => files?.[i] ?? `profile ${i + 1}`;
  const expected = first.columns.map((c) => c.name).join(', ');
  rest.forEach((profile, i) => {
    const names = profile.columns.map((c) => c.name).join(', ');
    if (names !== expected)
      throw new FileFormatError(
        `${name(i + 1)} has columns (${names}) but ${name(0)} has (${expected}); profile every shard with the same columns`,
        files ? { location: { file: files[i + 1]! } } : {},
      );
  });
  const columns = first.columns.map((c, j) => {
    const parts = profiles.map((p) => p.columns[j]!);
    // A shard that saw only nulls in a column has no kind of its own.
    const typed = parts.filter((p) => p.count > p.nullCount);
    const kind = typed[0]?.kind ?? c.kind;
    const clash = typed.findIndex((p) => p.kind !== kind);
    if (clash >= 0) {
      const shard = parts.indexOf(typed[clash]!);
      throw new FileFormatError(
        `${name(shard)}: column '${c.name}' is ${typed[clash]!.kind} but ${kind} in the shards before it; make its type consistent`,
        files ? { location: { file: files[shard]! } } : {},
      );
    }
    const nullsOnly = parts.filter((p) => p.kind !== kind).reduce((t, p) => t + p.count, 0);
    const same = parts.filter((p) => p.kind === kind);
    return kind === 'numeric'
      ? mergeNumeric(same as NumericProfile[], nullsOnly)
      : mergeCategorical(same as CategoricalProfile[], nullsOnly);
  });
  return { schemaVersion: PROFILE_SCHEMA_VERSION, rowCount: profiles.reduce((t, p) => t + p.rowCount, 0), columns };
}

function mergeNumeric(parts: NumericProfile[], extraNulls: number): NumericProfile {
  const sum = (f: (p: NumericProfile) => number) => parts.reduce((t, p) => t + f(p), 0);
  let n = 0;
  let mean = 0;
  let m2 = 0;
  // Chan et al.'s parallel update of mean and M2.
  for (const p of parts) {
    if (p.finiteCount === 0) continue;
    const total = n + p.finiteCount;
    const delta = p.mean! - mean;
    mean += (delta * p.finiteCount) / total;
    m2 += p.m2 + (delta * delta * n * p.finiteCount) / total;
    n = total;
  }
  const finite = parts.filter((p) => p.finiteCount > 0);
  const distinct = HyperLogLog.fromState(parts[0]!.distinctSketch);
  for (const p of parts.slice(1)) distinct.merge(HyperLogLog.fromState(p.distinctSketch));
  const cuts = parts[0]!.histogram?.cuts;
  const sharedCuts = parts.every((p) => !p.histogram || JSON.stringify(p.histogram.cuts) === JSON.stringify(cuts));
  return numericProfileOf(
    {
      name: parts[0]!.name,
      kind: 'numeric',
      timestamp: parts.some((p) => p.timestamp),
      count: sum((p) => p.count) + extraNulls,
      nullCount: sum((p) => p.nullCount) + extraNulls,
      nanCount: sum((p) => p.nanCount),
      posInfCount: sum((p) => p.posInfCount),
      negInfCount: sum((p) => p.negInfCount),
      invalidCount: sum((p) => p.invalidCount),
      invalidSamples: parts.flatMap((p) => p.invalidSamples).slice(0, 5),
      finiteCount: n,
      mean: n > 0 ? mean : null,
      m2,
      min: finite.length > 0 ? Math.min(...finite.map((p) => p.min!)) : null,
      max: finite.length > 0 ? Math.max(...finite.map((p) => p.max!)) : null,
      allIntegers: parts.every((p) => p.allIntegers),
      // Distinct values of shards overlap: only a single part's count is exact.
      distinctCount: parts.length === 1 ? parts[0]!.distinctCount : null,
      quantileSummary: mergeSummaries(parts.map((p) => p.quantileSummary)),
      distinctSketch: distinct.toState(),
    },
    sharedCuts ? cuts : undefined,
  );
}

function mergeCategorical(parts: CategoricalProfile[], extraNulls: number): CategoricalProfile {
  const merged = CategoricalProfiler.fromProfile(parts[0]!);
  for (const p of parts.slice(1)) merged.merge(CategoricalProfiler.fromProfile(p));
  merged.addNulls(extraNulls);
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
  if (version === 1) {
    // Version 1 held a quantile sketch whose counts were estimates; its drift tests would not be sound.
    throw new FileFormatError(
      `${file}: profile schemaVersion 1 was written by an earlier mlship and holds estimated counts; re-create it from its data with 'mlship data profile DATA --output ${file}' (or re-publish the model version's data profile)`,
      { location: { file } },
    );
  }
  if (version !== PROFILE_SCHEMA_VERSION) {
    throw new FileFormatError(
      `${file}: profile schemaVersion ${JSON.stringify(version)} is not supported (expected ${PROFILE_SCHEMA_VERSION}); re-create it with 'mlship data profile'`,
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
