// One profile of a data set through the engine: a streaming pass feeds the
// profiler (and any other batch consumer, such as expectation checks), then
// the exact counts of what the pass decided to count: from the values the
// pass held (CSV and JSON, within a memory budget), else one SQL query.
import { ExactCountCollector, exactCounts } from '../engine/exact-counts.ts';
import { ENGINE_CHUNK_ROWS, scanColumns, type ScannedFile, type BatchHandler } from '../engine/scan-columns.ts';
import { DataProfiler } from '../profile/data-profiler.ts';
import type { Profile } from '../profile/profile-schema.ts';

export interface ProfileDataOptions {
  /** The reference profile: the new profile also counts at its points, so drift against it is exact. */
  reference?: Profile | undefined;
  /** Also called with every batch of the same pass. */
  onBatch?: BatchHandler | undefined;
  /** Rows per batch handed to the profiler and `onBatch` (default: the engine's chunks, each consumed while it reads the next). */
  batchRows?: number | undefined;
  /** Bytes the pass may hold to count exactly without a second read (default EXACT_HOLD_BYTES); 0 never holds. */
  exactHoldBytes?: number | undefined;
}

export async function profileData(
  pattern: string,
  options: ProfileDataOptions = {},
): Promise<{ profile: Profile; files: ScannedFile[] }> {
  const profiler = new DataProfiler(options.reference ? { reference: options.reference } : {});
  const onBatch = options.onBatch;
  const held = new ExactCountCollector(options.exactHoldBytes);
  const files = await scanColumns(
    pattern,
    (batch) => {
      profiler.update(batch);
      held.add(batch);
      onBatch?.(batch);
    },
    { batchRows: options.batchRows ?? ENGINE_CHUNK_ROWS },
  );
  const request = profiler.exactCountRequest();
  const exact = held.counts(request) ?? (await exactCounts(files, request));
  return { profile: profiler.finish(exact), files };
}
