// The calibration summary of a labelled holdout, read like a window (its
// probability and label columns named by the monitoring policy): what a
// version ships as calibration.json for the monitor to check.
import { InputError } from '@mlship/errors';
import { reliabilityBins, type CalibrationSummary } from './calibration.ts';
import type { MonitorPolicy } from './monitor-policy.ts';
import { EMPTY_PROFILE, readWindow } from './window-data.ts';

export async function calibrateHoldout(data: string, policy: MonitorPolicy): Promise<CalibrationSummary> {
  const window = await readWindow(data, policy, EMPTY_PROFILE, policy.label);
  if (window.labelledRows === 0)
    throw new InputError(
      `${data}: no row has a label in '${policy.label}'; calibration is measured on a labelled holdout`,
    );
  const classes = policy.classes.length;
  const confidence: number[] = [];
  const correct: number[] = [];
  for (let i = 0; i < window.rows; i++) {
    if (window.labels[i]! < 0) continue;
    confidence.push(window.probabilities[i * classes + window.predicted[i]!]!);
    correct.push(window.predicted[i] === window.labels[i] ? 1 : 0);
  }
  return reliabilityBins(confidence, correct);
}
