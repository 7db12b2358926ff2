// The monitoring decision, pure: from a window's drift, the estimated and
// realised quality, the calibration check and the model's age, which
// triggers fire and what the window's status is. A window without rows is
// "no traffic", never healthy; a quality floor is judged on realised metrics
// once enough labels arrived, else on the estimate only when the model is
// calibrated, else not at all (and the report says so).
import type { DriftReport } from '@mlship/data';
import type { CalibrationCheck } from './calibration.ts';
import type { PerformanceEstimate } from './performance-estimate.ts';
import type { MonitorPolicy, MonitoredMetric } from './monitor-policy.ts';

export type MonitorStatus = 'no-traffic' | 'too-little-traffic' | 'healthy' | 'degraded';
export type TriggerKind = 'feature-drift' | 'prediction-drift' | 'quality' | 'model-age';

export interface Trigger {
  kind: TriggerKind;
  /** Plain text; the renderer escapes it. */
  message: string;
}

export type RealisedMetrics = Record<MonitoredMetric, number>;

export interface QualityRow {
  metric: MonitoredMetric;
  estimated: number;
  /** The estimate on the labelled rows alone, beside the realised value on the same rows. */
  estimatedOnLabelled: number | null;
  realised: number | null;
  floor: number | null;
  /** Which value the floor was judged on, or null when it could not be judged. */
  judgedOn: 'realised' | 'estimated' | null;
  passed: boolean | null;
}

export interface MonitorEvidence {
  rows: number;
  labelledRows: number;
  featureDrift: DriftReport | null;
  predictionDrift: DriftReport | null;
  estimate: PerformanceEstimate | null;
  estimateOnLabelled: PerformanceEstimate | null;
  realised: RealisedMetrics | null;
  /** null when no calibration summary was available. */
  calibration: CalibrationCheck | null;
  modelAgeDays: number | null;
}

export interface MonitorVerdict {
  status: MonitorStatus;
  /** Retrain when any fired; the tracking issue lists them. */
  triggers: Trigger[];
  /** Whether the label-free estimate can be trusted, and why. */
  estimateReliable: boolean;
  quality: QualityRow[];
  /** What the reader must know to read the numbers (plain text). */
  notes: string[];
}

const estimateOf = (e: PerformanceEstimate, metric: MonitoredMetric) =>
  metric === 'accuracy' ? e.accuracy : metric === 'macro_f1' ? e.macroF1 : e.rocAuc;

export function judgeWindow(evidence: MonitorEvidence, policy: MonitorPolicy): MonitorVerdict {
  const triggers: Trigger[] = [];
  const notes: string[] = [];
  const maxAge = policy.triggers.max_age_days;
  if (maxAge !== undefined && evidence.modelAgeDays !== null && evidence.modelAgeDays > maxAge)
    triggers.push({
      kind: 'model-age',
      message: `the prod version is ${evidence.modelAgeDays.toFixed(1)} days old, past the policy's ${maxAge} days`,
    });
  if (maxAge !== undefined && evidence.modelAgeDays === null)
    notes.push('the prod version’s age is unknown (no manifest), so max_age_days was not judged');

  if (evidence.rows === 0) {
    notes.push('no traffic in the window: nothing was served, so nothing about the model can be said');
    return { status: 'no-traffic', triggers, estimateReliable: false, quality: [], notes };
  }
  if (evidence.rows < policy.min_rows) {
    notes.push(
      `${evidence.rows} rows are fewer than the policy's min_rows (${policy.min_rows}): drift and quality were not judged`,
    );
    return { status: 'too-little-traffic', triggers, estimateReliable: false, quality: [], notes };
  }

  const important = policy.triggers.features;
  const drift = evidence.featureDrift;
  if (drift) {
    const watched = drift.columns.filter((c) => c.drifted && (!important || important.includes(c.column)));
    for (const c of watched)
      triggers.push({
        kind: 'feature-drift',
        message: `feature '${c.column}' drifted: ${c.method} ${c.effect.toFixed(3)} ≥ ${c.threshold} (q = ${c.qValue.toPrecision(2)})`,
      });
    for (const m of drift.missingColumns.filter((m) => !important || important.includes(m)))
      triggers.push({ kind: 'feature-drift', message: `feature '${m}' is missing from the served rows` });
  }
  const predictionDrift = evidence.predictionDrift?.columns[0];
  if (policy.triggers.prediction_drift && predictionDrift?.drifted)
    triggers.push({
      kind: 'prediction-drift',
      message: `the predicted classes drifted from the reference: ${predictionDrift.method} ${predictionDrift.effect.toFixed(3)} ≥ ${predictionDrift.threshold}`,
    });

  const calibration = evidence.calibration;
  const estimateReliable = calibration?.status === 'calibrated';
  if (!calibration)
    notes.push('no calibration summary for the prod version: the label-free estimate is shown as unreliable');
  else if (!estimateReliable)
    notes.push(
      `the label-free estimate is unreliable: the model is not shown to be calibrated (${calibration.reason})`,
    );
  const haveLabels = evidence.realised !== null && evidence.labelledRows >= policy.min_labels;
  if (evidence.labelledRows === 0)
    notes.push('no labels arrived for this window: quality is estimated from the model’s probabilities only');
  else if (!haveLabels)
    notes.push(
      `${evidence.labelledRows} labelled rows are fewer than min_labels (${policy.min_labels}): realised metrics are shown but not judged`,
    );

  const floors = new Map(policy.triggers.quality.map((q) => [q.metric, q.min]));
  const metrics: MonitoredMetric[] = ['accuracy', 'macro_f1', 'roc_auc'];
  const quality: QualityRow[] = [];
  if (evidence.estimate) {
    for (const metric of metrics) {
      const estimated = estimateOf(evidence.estimate, metric);
      const realised = evidence.realised ? evidence.realised[metric] : null;
      const floor = floors.get(metric) ?? null;
      let judgedOn: QualityRow['judgedOn'] = null;
      let value = Number.NaN;
      if (floor !== null && haveLabels && realised !== null && !Number.isNaN(realised)) {
        judgedOn = 'realised';
        value = realised;
      } else if (floor !== null && estimateReliable && !Number.isNaN(estimated)) {
        judgedOn = 'estimated';
        value = estimated;
      }
      const passed = judgedOn === null ? null : value >= floor!;
      if (passed === false)
        triggers.push({
          kind: 'quality',
          message: `${judgedOn} ${metric} ${value.toFixed(3)} is below the floor ${floor}`,
        });
      if (floor !== null && judgedOn === null)
        notes.push(`the ${metric} floor was not judged: too few labels and no reliable estimate`);
      quality.push({
        metric,
        estimated,
        estimatedOnLabelled: evidence.estimateOnLabelled ? estimateOf(evidence.estimateOnLabelled, metric) : null,
        realised: realised !== null && Number.isNaN(realised) ? null : realised,
        floor,
        judgedOn,
        passed,
      });
    }
  }
  return { status: triggers.length > 0 ? 'degraded' : 'healthy', triggers, estimateReliable, quality, notes };
}
