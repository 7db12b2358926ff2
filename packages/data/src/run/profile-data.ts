// One profile of a data set through the engine: a streaming pass feeds the
// profiler (and any other batch consumer, such as expectation checks), then
// one SQL query counts exactly what the pass decided to count.
import { exactCounts } from '../engine/exact-counts.ts';
import { scanColumns, type ScannedFile, type BatchHandler } from '../engine/scan-columns.ts';
import { DataProfiler } from '../profile/data-profiler.ts';
import type { Profile } from '../profile/profile-schema.ts';

export interface ProfileDataOptions {
  /** The reference profile: the new profile also counts at its points, so drift against it is exact. */
  reference?: Profile | undefined;
  /** Also called with every batch of the same pass. */
  onBatch?: BatchHandler | undefined;
  /** Rows per batch handed to the profiler and `onBatch`. */
  batchRows?: number | undefined;
}

export async function profileData(
  pattern: string,
  options: ProfileDataOptions = {},
): Promise<{ profile: Profile; files: ScannedFile[] }> {
  const profiler = new DataProfiler(options.reference ? { reference: options.reference } : {});
  const onBatch = options.onBatch;
  const files = await scanColumns(
    pattern,
    (batch) => {
      profiler.update(batch);
      onBatch?.(batch);
    },
    options.batchRows ? { batchRows: options.batchRows } : {},
  );
  const exact = await exactCounts(files, profiler.exactCountRequest());
  return { profile: profiler.finish(exact), files };
}
