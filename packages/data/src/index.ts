export type { Column, ColumnBatch, NumericColumn, CategoricalColumn, ReadOptions } from './read/columns.ts';
export { columnOf, isNull, valueText, DEFAULT_BATCH_ROWS } from './read/columns.ts';
export { readColumns, readFileColumns, resolveDataFiles, formatOf } from './read/read-columns.ts';
export type { DataFormat } from './read/read-columns.ts';
export { ProfileSchema } from './profile/profile-schema.ts';
export type {
  Profile,
  ColumnProfile,
  NumericProfile,
  CategoricalProfile,
  Histogram,
} from './profile/profile-schema.ts';
export { DataProfiler, profileBatches, mergeProfiles, parseProfile } from './profile/data-profiler.ts';
export type { ProfileOptions } from './profile/data-profiler.ts';
export { ExpectationsSchema } from './expect/expectations-schema.ts';
export type { Expectations, ColumnExpectations, TableExpectations, Severity } from './expect/expectations-schema.ts';
export { parseExpectations, readExpectations } from './expect/load-expectations.ts';
export type { LoadedExpectations } from './expect/load-expectations.ts';
export { ExpectationChecker } from './expect/expectation-checker.ts';
export type { CheckOptions } from './expect/expectation-checker.ts';
export type { CheckResult, ExpectationReport, TestOutcome } from './expect/check-result.ts';
export { compareProfiles } from './drift/compare-profiles.ts';
export type { DriftReport, ColumnDrift, CategoryShare } from './drift/compare-profiles.ts';
export { DriftOptionsSchema, parseDriftOptions, readDriftOptions } from './drift/drift-options.ts';
export type { DriftOptions, DriftOptionsInput } from './drift/drift-options.ts';
export { inferExpectations } from './expect/infer-expectations.ts';
export type { InferOptions } from './expect/infer-expectations.ts';
export { runDataTest, readProfileFile, combinedOutcome, reaches, FailOnSchema } from './run/data-test.ts';
export type { DataTestInput, DataTestResult, DataTestClock, FailOn } from './run/data-test.ts';
export { dataTestSection } from './run/report-section.ts';
export type { DataTestSection, DataTestSummary } from './run/report-section.ts';
export { DataTestActionInputsSchema } from './run/action-inputs.ts';
export type { DataTestActionInputs } from './run/action-inputs.ts';
