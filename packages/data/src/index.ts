export type { Column, ColumnBatch, NumericColumn, CategoricalColumn, ReadOptions } from './read/columns.ts';
export { isNull, valueText, DEFAULT_BATCH_ROWS } from './read/columns.ts';
export { readColumns, readFileColumns, resolveDataFiles, formatOf } from './read/read-columns.ts';
export type { DataFormat } from './read/read-columns.ts';
export { ProfileSchema } from './profile/profile-schema.ts';
export type { Profile, ColumnProfile, NumericProfile, CategoricalProfile, Histogram } from './profile/profile-schema.ts';
export { DataProfiler, profileBatches, mergeProfiles, parseProfile } from './profile/data-profiler.ts';
export type { ProfileOptions } from './profile/data-profiler.ts';
