export type { Column, ColumnBatch, NumericColumn, CategoricalColumn, ReadOptions } from './read/columns.ts';
export { isNull, valueText, DEFAULT_BATCH_ROWS } from './read/columns.ts';
export { readColumns, readFileColumns, resolveDataFiles, formatOf } from './read/read-columns.ts';
export type { DataFormat } from './read/read-columns.ts';
