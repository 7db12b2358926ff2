// Benchmark: how close the label-free estimate (CBPE) comes to the realised
// accuracy on drifted windows, beside the baseline a team without an estimate
// has: the accuracy measured on the validation holdout, assumed to still hold.
// Windows of the penguin classifier's served rows: like the training data,
// covariate shift (the species mix changes, p(y|x) does not), and shifted
// copies (features moved, labels kept: concept shift as the model sees it).
// Also times one monitoring run beside the floor of reading the same rows.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProfile, scanColumns } from '@mlship/data';
import { calibrateHoldout, checkCalibration, monitorWindow, readMonitorPolicy } from '@mlship/monitor';
import { servedPenguins, type WindowOptions } from '@mlship/monitor/test-kit';

const ROWS = Number(process.env.MLSHIP_BENCH_ROWS ?? 5000);
const dir = await mkdtemp(join(tmpdir(), 'mlship-bench-monitor-'));
try {
  const served = await servedPenguins(dir);
  const policy = await readMonitorPolicy(served.policy);
  const reference = parseProfile(await readFile(served.referenceProfile, 'utf8'), served.referenceProfile);
  const calibration = await calibrateHoldout(
    await served.writeWindow('holdout.csv', { rows: ROWS, seed: 1, labelShare: 1 }),
    policy,
  );
  const check = checkCalibration(calibration, { maxEce: policy.calibration.max_ece, minRows: 50 });
  const holdoutAccuracy =
    calibration.bins.reduce((s, b) => s + b.count * b.accuracy, 0) / calibration.bins.reduce((s, b) => s + b.count, 0);
  console.log(
    `calibration on the holdout: ${check.status}, ECE ${check.ece.toFixed(3)} [${check.interval[0].toFixed(3)}, ${check.interval[1].toFixed(3)}]; holdout accuracy ${holdoutAccuracy.toFixed(3)}`,
  );
  const windows: [string, Omit<WindowOptions, 'rows' | 'labelShare'>][] = [
    ['like training', { seed: 2 }],
    ['covariate: Chinstrap x6', { seed: 3, speciesWeights: { Chinstrap: 6 } }],
    ['covariate: Adelie x6', { seed: 5, speciesWeights: { Adelie: 6 } }],
    ['shifted: bill +4 mm, flipper +8 mm', { seed: 4, shift: { bill_length_mm: 4, flipper_length_mm: 8 } }],
    ['shifted: body mass +600 g', { seed: 6, shift: { body_mass_g: 600 } }],
  ];
  console.log(`\n${'window'.padEnd(36)} realised  estimated  |error|  holdout-assumed |error|  status`);
  for (const [name, options] of windows) {
    const file = await served.writeWindow(`${name.replace(/\W+/g, '-')}.csv`, {
      ...options,
      rows: ROWS,
      labelShare: 1,
    });
    const { verdict } = await monitorWindow({
      model: 'penguins',
      version: null,
      data: file,
      policy,
      reference,
      calibration,
      modelCreatedAt: null,
      now: new Date(),
    });
    const accuracy = verdict.quality.find((q) => q.metric === 'accuracy')!;
    const realised = accuracy.realised!;
    console.log(
      `${name.padEnd(36)} ${realised.toFixed(3).padStart(8)}  ${accuracy.estimated.toFixed(3).padStart(9)}  ${Math.abs(
        accuracy.estimated - realised,
      )
        .toFixed(3)
        .padStart(7)}  ${holdoutAccuracy.toFixed(3).padStart(15)} ${Math.abs(holdoutAccuracy - realised)
        .toFixed(3)
        .padStart(7)}  ${verdict.status}`,
    );
  }

  const big = await served.writeWindow('big.csv', { seed: 9, rows: 100_000, labelShare: 0.3 });
  let readMs = Infinity;
  let monitorMs = Infinity;
  for (let round = 0; round < 2; round++) {
    let t = performance.now();
    await scanColumns(big, () => {});
    readMs = Math.min(readMs, performance.now() - t);
    t = performance.now();
    await monitorWindow({
      model: 'penguins',
      version: null,
      data: big,
      policy,
      reference,
      calibration,
      modelCreatedAt: null,
      now: new Date(),
    });
    monitorMs = Math.min(monitorMs, performance.now() - t);
  }
  console.log(
    `\n100,000 served rows: monitor ${monitorMs.toFixed(0)} ms, reading alone ${readMs.toFixed(0)} ms, ratio ${(monitorMs / readMs).toFixed(2)}x`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
