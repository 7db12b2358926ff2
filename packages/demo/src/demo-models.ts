// The demo's models, trained here in milliseconds on real data (the Palmer
// penguins from vega-datasets): a production baseline, a better candidate and
// a degraded candidate, written as ONNX beside a holdout CSV and a policy.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { penguinsPath } from './penguins.ts';
import { trainSoftmaxRegression } from './train.ts';

export const DEMO_FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] as const;
const SOURCE_FIELDS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'] as const;
export const DEMO_CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];

export interface DemoFiles {
  baseline: string;
  candidate: string;
  /** The candidate with its bill-length feature lost upstream (replaced by its training mean), as a broken feature pipeline would. */
  degraded: string;
  holdout: string;
  policy: string;
  training: { rows: number; holdoutRows: number };
}

interface Penguin {
  species: string;
  island: string;
  sex: string;
  features: number[];
}

async function readPenguins(source: string): Promise<{ train: Penguin[]; holdout: Penguin[] }> {
  const raw = JSON.parse(await readFile(source, 'utf8')) as Record<string, string | number | null>[];
  const rows: Penguin[] = raw
    .filter((r) => SOURCE_FIELDS.every((f) => typeof r[f] === 'number') && typeof r.Species === 'string')
    .map((r) => ({
      species: r.Species as string,
      island: String(r.Island),
      sex: r.Sex === null || r.Sex === '.' ? '' : String(r.Sex).toLowerCase(),
      features: SOURCE_FIELDS.map((f) => r[f] as number),
    }));
  // Every third row is held out: deterministic, and stratified by the file's species order.
  return { train: rows.filter((_, i) => i % 3 !== 0), holdout: rows.filter((_, i) => i % 3 === 0) };
}

/** The candidate's training rows: one column per DEMO_FEATURES entry, and class indexes into DEMO_CLASSES. */
export async function demoTrainingSet(source = penguinsPath()): Promise<{ columns: number[][]; labels: number[] }> {
  const { train } = await readPenguins(source);
  return {
    columns: DEMO_FEATURES.map((_, j) => train.map((r) => r.features[j]!)),
    labels: train.map((r) => DEMO_CLASSES.indexOf(r.species)),
  };
}

export async function writeDemoModels(outDir: string, source = penguinsPath()): Promise<DemoFiles> {
  const { train, holdout } = await readPenguins(source);
  const { columns, labels } = await demoTrainingSet(source);
  const spec = { featureNames: [...DEMO_FEATURES], classes: DEMO_CLASSES };
  const candidateFit = trainSoftmaxRegression({ features: columns, labels, classCount: 3, epochs: 400 });
  // Production today: an older model trained without the bill measurements.
  const baselineFit = trainSoftmaxRegression({
    features: [columns[2]!, columns[3]!],
    labels,
    classCount: 3,
    epochs: 400,
  });
  const baselineWeights = baselineFit.weights.map((w) => [0, 0, w[0]!, w[1]!]);
  // A constant bill length (the training mean) folds into the bias.
  const meanBillLength = columns[0]!.reduce((a, b) => a + b, 0) / columns[0]!.length;
  const degradedWeights = candidateFit.weights.map((w) => [0, ...w.slice(1)]);
  const degradedBias = candidateFit.bias.map((b, c) => b + candidateFit.weights[c]![0]! * meanBillLength);

  await mkdir(outDir, { recursive: true });
  const files: DemoFiles = {
    baseline: join(outDir, 'baseline.onnx'),
    candidate: join(outDir, 'candidate.onnx'),
    degraded: join(outDir, 'degraded.onnx'),
    holdout: join(outDir, 'holdout.csv'),
    policy: join(outDir, 'policy.yml'),
    training: { rows: train.length, holdoutRows: holdout.length },
  };
  await writeFile(
    files.baseline,
    buildLinearClassifierOnnx({ ...spec, weights: baselineWeights, bias: baselineFit.bias }),
  );
  await writeFile(
    files.candidate,
    buildLinearClassifierOnnx({ ...spec, weights: candidateFit.weights, bias: candidateFit.bias }),
  );
  await writeFile(files.degraded, buildLinearClassifierOnnx({ ...spec, weights: degradedWeights, bias: degradedBias }));
  const csv = [['species', 'island', 'sex', ...DEMO_FEATURES].join(',')].concat(
    holdout.map((r) => [r.species, r.island, r.sex, ...r.features].join(',')),
  );
  await writeFile(files.holdout, `${csv.join('\n')}\n`);
  await writeFile(files.policy, DEMO_POLICY);
  return files;
}

const DEMO_POLICY = `# Validation policy for the penguin species classifier (mlship demo).
schemaVersion: 1
task: classification
label: species
features: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]
confidence: 0.95
bootstrap:
  replicates: 1000
  seed: 42
gates:
  - accuracy >= 0.85
  - metric: accuracy
    max_drop: 0.02
  - metric: macro_f1
    max_drop: 0.02
  - metric: log_loss
    max_increase: 0.1
slices:
  - column: island
  - column: body_mass_g
    bins: [3500, 4500]
sanity:
  robustness:
    noise: 0.05
    max_flip_rate: 0.1
  fairness:
    column: sex
    metric: accuracy
    max_gap: 0.15
canary:
  steps: [10, 50, 100]
  # The demo's traffic arrives in seconds; a real rollout keeps each step for minutes.
  min_minutes: 0
  min_requests: 20
  min_labels: 100
budgets:
  latency_p95_ms: 50
  latency_batch_size: 1
  model_size_mb: 5
model_card:
  name: penguin-species
  overview: Softmax regression on four body measurements predicting a penguin's species.
  intended_use: Demonstration of mlship's validation gates; not for field research.
  factors: Island of observation and body mass; sex for the fairness check.
  training_data: Two thirds of the Palmer Archipelago penguins (vega-datasets), rows with missing measurements dropped.
  ethical_considerations: No personal data. Field data from three islands only.
  caveats: Measured on about 110 holdout rows; intervals are wide.
`;
