// One monitoring run over one window: read the served rows, compare them with
// the prod version's reference profile, estimate quality from the
// probabilities, measure it where labels arrived, and judge.
import { classificationMetrics } from '@mlship/eval';
import { glob } from 'node:fs/promises';
import { compareProfiles, type Profile } from '@mlship/data';
import { checkCalibration, type CalibrationSummary } from './calibration.ts';
import { estimatePerformance } from './performance-estimate.ts';
import { probabilityColumns, type MonitorPolicy } from './monitor-policy.ts';
import { judgeWindow, type MonitorEvidence, type MonitorVerdict, type RealisedMetrics } from './monitor-verdict.ts';
import { monitorSection } from './monitor-section.ts';
import { EMPTY_PROFILE, readWindow, type WindowData } from './window-data.ts';
import type { ReportSection } from '@mlship/report';

export interface MonitorRequest {
  model: string;
  version: string | null;
  /** A file or glob of served rows (Parquet, CSV, JSON Lines); null for a window nothing was served in. */
  data: string | null;
  /** The window as the user named it, for the report. */
  dataLabel?: string;
  policy: MonitorPolicy;
  /** The prod version's reference profile (its training data). */
  reference: Profile;
  calibration: CalibrationSummary | null;
  /** When the prod version was published (its manifest's createdAt). */
  modelCreatedAt: string | null;
  now: Date;
}

export interface MonitorOutcome {
  verdict: MonitorVerdict;
  evidence: MonitorEvidence;
  section: ReportSection;
  files: string[];
}

const DAY_MS = 86_400_000;

export async function monitorWindow(request: MonitorRequest): Promise<MonitorOutcome> {
  const { policy, reference } = request;
  const predictionReference = policy.prediction_reference ?? policy.label;
  const window =
    request.data !== null && (await hasFiles(request.data))
      ? await readWindow(request.data, policy, reference, predictionReference)
      : emptyWindow();
  const created = request.modelCreatedAt ? Date.parse(request.modelCreatedAt) : Number.NaN;
  const evidence: MonitorEvidence = {
    rows: window.rows,
    labelledRows: window.labelledRows,
    featureDrift: null,
    predictionDrift: null,
    estimate: null,
    estimateOnLabelled: null,
    realised: null,
    calibration: request.calibration
      ? checkCalibration(request.calibration, {
          maxEce: policy.calibration.max_ece,
          minRows: policy.calibration.min_rows,
        })
      : null,
    modelAgeDays: Number.isNaN(created) ? null : (request.now.getTime() - created) / DAY_MS,
  };
  if (window.rows > 0) {
    // Outputs and labels are not inputs: the label has its own comparison (prediction drift).
    const outputs = new Set([policy.label, predictionReference, ...probabilityColumns(policy)]);
    if (policy.prediction) outputs.add(policy.prediction);
    const inputs = { ...reference, columns: reference.columns.filter((c) => !outputs.has(c.name)) };
    evidence.featureDrift = compareProfiles(inputs, window.profile, policy.drift);
    const referenceLabel = reference.columns.filter((c) => c.name === predictionReference);
    if (referenceLabel.length === 1)
      evidence.predictionDrift = compareProfiles(
        { ...reference, columns: referenceLabel },
        window.predictionProfile,
        policy.drift,
      );
    const classes = policy.classes.length;
    evidence.estimate = estimatePerformance(window.probabilities, classes, window.predicted);
    if (window.labelledRows > 0) {
      const labelled = labelledSubset(window, classes);
      evidence.estimateOnLabelled = estimatePerformance(labelled.probabilities, classes, labelled.predicted);
      const values = classificationMetrics(labelled.truth, labelled, classes).values;
      evidence.realised = {
        accuracy: values.accuracy ?? Number.NaN,
        macro_f1: values.macro_f1 ?? Number.NaN,
        roc_auc: values.roc_auc ?? Number.NaN,
      } satisfies RealisedMetrics;
    }
  }
  const verdict = judgeWindow(evidence, policy);
  const section = monitorSection({
    model: request.model,
    version: request.version,
    data: request.dataLabel ?? request.data ?? '',
    rows: window.rows,
    labelledRows: window.labelledRows,
    fileCount: window.files.length,
    modelAgeDays: evidence.modelAgeDays,
    verdict,
    calibration: evidence.calibration,
    featureDrift: evidence.featureDrift,
    predictionDrift: evidence.predictionDrift,
  });
  return { verdict, evidence, section, files: window.files };
}

/**
 * A glob that matches nothing is a window nobody was served in (the serving
 * logs of a quiet hour), so "no traffic"; a plain path that does not exist is
 * a mistake, and the data package says so.
 */
async function hasFiles(pattern: string): Promise<boolean> {
  if (!/[*?[{]/.test(pattern)) return true;
  for await (const _ of glob(pattern)) return true;
  return false;
}

function emptyWindow(): WindowData {
  return {
    rows: 0,
    files: [],
    profile: EMPTY_PROFILE,
    predictionProfile: EMPTY_PROFILE,
    probabilities: new Float64Array(0),
    predicted: new Int32Array(0),
    labels: new Int32Array(0),
    labelledRows: 0,
  };
}

function labelledSubset(window: WindowData, classes: number) {
  const truth = new Int32Array(window.labelledRows);
  const predicted = new Int32Array(window.labelledRows);
  const probabilities = new Float64Array(window.labelledRows * classes);
  let k = 0;
  for (let i = 0; i < window.rows; i++) {
    if (window.labels[i]! < 0) continue;
    truth[k] = window.labels[i]!;
    predicted[k] = window.predicted[i]!;
    probabilities.set(window.probabilities.subarray(i * classes, (i + 1) * classes), k * classes);
    k++;
  }
  return { truth, predicted, probabilities };
}
