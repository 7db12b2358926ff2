export type { Column, ColumnBatch, NumericColumn, CategoricalColumn } from './read/columns.ts';
export { columnOf, isNull, valueText, DEFAULT_BATCH_ROWS } from './read/columns.ts';
export { scanColumns } from './engine/scan-columns.ts';
export type { ScanOptions, BatchHandler, ScannedFile } from './engine/scan-columns.ts';
export { resolveDataFiles, formatOf } from './engine/data-format.ts';
export type { DataFormat } from './engine/data-format.ts';
export { exactKolmogorovSmirnov } from './engine/exact-counts.ts';
export { profileData } from './run/profile-data.ts';
export type { ProfileDataOptions } from './run/profile-data.ts';
export { ProfileSchema } from './profile/profile-schema.ts';
export type {
  Profile,
  ColumnProfile,
  NumericProfile,
  CategoricalProfile,
  Histogram,
} from './profile/profile-schema.ts';
export { mergeProfiles, parseProfile } from './profile/data-profiler.ts';
export { profileCategories } from './profile/category-profile.ts';
export { PROFILE_SCHEMA_VERSION } from './profile/profile-schema.ts';
export type { ProfileOptions } from './profile/data-profiler.ts';
export { ExpectationsSchema } from './expect/expectations-schema.ts';
export type { Expectations, ColumnExpectations, TableExpectations, Severity } from './expect/expectations-schema.ts';
export { parseExpectations, readExpectations } from './expect/load-expectations.ts';
export type { LoadedExpectations } from './expect/load-expectations.ts';
export { ExpectationChecker } from './expect/expectation-checker.ts';
export type { CheckOptions } from './expect/expectation-checker.ts';
export type { CheckResult, ExpectationReport, TestOutcome } from './expect/check-result.ts';
export { compareProfiles } from './drift/compare-profiles.ts';
export type {
  DriftReport,
  ColumnDrift,
  CategoryShare,
  CategoryChange,
  ExactKsStatistics,
  SignificanceTest,
} from './drift/compare-profiles.ts';
export { DriftOptionsSchema, parseDriftOptions, readDriftOptions } from './drift/drift-options.ts';
export type { DriftOptions, DriftOptionsInput } from './drift/drift-options.ts';
export { inferExpectations } from './expect/infer-expectations.ts';
export type { InferOptions } from './expect/infer-expectations.ts';
export { runDataTest, combinedOutcome, reaches, FailOnSchema } from './run/data-test.ts';
export { readProfileFile, readText } from './run/read-text.ts';
export { loadReference, exactKsStatistics } from './run/reference.ts';
export type { Reference } from './run/reference.ts';
export type { DataTestInput, DataTestResult, DataTestClock, FailOn } from './run/data-test.ts';
export { dataTestSection } from './run/report-section.ts';
export type { DataTestSection, DataTestSummary } from './run/report-section.ts';
export { DataTestActionInputsSchema } from './run/action-inputs.ts';
export type { DataTestActionInputs } from './run/action-inputs.ts';
