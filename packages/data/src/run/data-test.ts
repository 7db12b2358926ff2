// One data test: a single streaming pass over the data feeds the profiler and
// the expectation checks; drift then compares profiles. This is what the
// action and `mlship data test` call.
import { join } from 'node:path';
import { z } from 'zod';
import { profileData } from './profile-data.ts';
import { exactKsStatistics, loadReference, shardProfiles } from './reference.ts';
import { mergeProfiles } from '../profile/data-profiler.ts';
import { InputError } from '@mlship/errors';
import { readExpectations } from '../expect/load-expectations.ts';
import { ExpectationChecker } from '../expect/expectation-checker.ts';
import type { ExpectationReport, TestOutcome } from '../expect/check-result.ts';
import { compareProfiles, type DriftReport } from '../drift/compare-profiles.ts';
import { readDriftOptions, type DriftOptionsInput } from '../drift/drift-options.ts';
import { checkOutputDirectory, writeOutputFiles } from '@mlship/output-files';
import { renderSection } from '@mlship/report';
import { dataTestSection, type DataTestSection } from './report-section.ts';

const OUTPUT_DIR = { what: 'output directory', setBy: "action input 'output-dir', --output-dir" };

export const FailOnSchema = z.enum(['error', 'warn', 'never']);
export type FailOn = z.infer<typeof FailOnSchema>;

export interface DataTestInput {
  /** Data file path or glob; or shard profiles (profile JSON files), which are merged. */
  data: string;
  /** Expectations YAML path. */
  expectations?: string | undefined;
  /** Reference profile JSON path (the production model's training data), or the reference data itself (exact tests). */
  referenceProfile?: string | undefined;
  /** How the report names the reference, e.g. "churn@v1.4.0 (churn@prod)" when it came from the registry; default its path. */
  referenceLabel?: string | undefined;
  drift?: DriftOptionsInput | undefined;
  /** A YAML/JSON file of drift settings (methods, thresholds); overrides `drift`. */
  driftConfig?: string | undefined;
  failOn: FailOn;
  /** Where profile.json, data-test.json and data-test.md are written. */
  outputDir: string;
}

export interface DataTestResult {
  /** pass, warn or fail: failed error checks or data-set drift fail; failed warn checks, drifted columns and findings warn. */
  outcome: TestOutcome;
  /** Whether the outcome reaches the fail-on level (the step should fail). */
  failed: boolean;
  rowCount: number;
  expectations: ExpectationReport | null;
  drift: DriftReport | null;
  profilePath: string;
  reportPath: string;
  markdownPath: string;
  section: DataTestSection;
}

export interface DataTestClock {
  now(): Date;
}

export async function runDataTest(
  input: DataTestInput,
  clock: DataTestClock = { now: () => new Date() },
): Promise<DataTestResult> {
  // A wrong output path fails before the data is read, not after.
  await checkOutputDirectory(input.outputDir, OUTPUT_DIR);
  const driftOptions = input.driftConfig ? await readDriftOptions(input.driftConfig) : (input.drift ?? {});
  const referenced = input.referenceProfile ? await loadReference(input.referenceProfile) : undefined;
  const reference = referenced?.profile;
  const loaded = input.expectations ? await readExpectations(input.expectations) : undefined;
  const checker = loaded
    ? new ExpectationChecker(loaded.expectations, {
        lineOf: loaded.lineOf,
        file: loaded.file,
        now: clock.now(),
        ...(reference ? { reference } : {}),
      })
    : undefined;
  // Shard profiles (a matrix's) are merged: the profile of their data, with no rows to check.
  const shards = await shardProfiles(input.data);
  if (shards && loaded)
    throw new InputError(
      `${input.data}: shard profiles hold no rows, so expectations cannot run on them; check expectations in the shard jobs and drift in the job that merges`,
    );
  const current = shards
    ? { profile: mergeProfiles(shards.profiles, shards.files), files: undefined }
    : await profileData(input.data, {
        reference,
        onBatch: checker ? (batch) => checker.update(batch) : undefined,
      });
  const profile = current.profile;
  const expectations = checker?.finish(profile) ?? null;
  const drift = referenced
    ? compareProfiles(
        referenced.profile,
        profile,
        driftOptions,
        current.files ? await exactKsStatistics(referenced, { profile, files: current.files }) : undefined,
      )
    : null;
  const outcome = combinedOutcome(expectations, drift);
  const section = dataTestSection({
    data: input.data,
    expectationsFile: input.expectations ?? null,
    referenceFile: input.referenceLabel ?? input.referenceProfile ?? null,
    rowCount: profile.rowCount,
    columnCount: profile.columns.length,
    outcome,
    expectations,
    drift,
  });
  const profilePath = join(input.outputDir, 'profile.json');
  const reportPath = join(input.outputDir, 'data-test.json');
  const markdownPath = join(input.outputDir, 'data-test.md');
  await writeOutputFiles(
    input.outputDir,
    {
      'profile.json': `${JSON.stringify(profile)}\n`,
      'data-test.json': `${JSON.stringify({ schemaVersion: 1, outcome, rowCount: profile.rowCount, expectations, drift }, null, 2)}\n`,
      'data-test.md': renderSection(section),
    },
    OUTPUT_DIR,
  );
  return {
    outcome,
    failed: reaches(outcome, input.failOn),
    rowCount: profile.rowCount,
    expectations,
    drift,
    profilePath,
    reportPath,
    markdownPath,
    section,
  };
}

export function combinedOutcome(expectations: ExpectationReport | null, drift: DriftReport | null): TestOutcome {
  if (expectations?.outcome === 'fail' || drift?.datasetDrift) return 'fail';
  // New and vanished categories are information: they warn only through an expectation (newCategoryShare, inSet).
  if (expectations?.outcome === 'warn' || (drift && (drift.driftedCount > 0 || drift.warnings.length > 0)))
    return 'warn';
  return 'pass';
}

export function reaches(outcome: TestOutcome, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return outcome === 'fail' || (failOn === 'warn' && outcome === 'warn');
}
