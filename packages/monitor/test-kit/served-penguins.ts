// A model in production and the rows it served, from real data: a softmax
// regression fitted on two thirds of the Palmer penguins, its training
// data's reference profile, a policy, and windows of served rows (features,
// the model's probabilities and decision, labels for a share of rows) drawn
// from the held-out third, optionally shifted: what the serving logs of a
// deployed classifier look like, without a server.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { profileData } from '@mlship/data';
import { DEMO_CLASSES, DEMO_FEATURES, penguinsPath, trainSoftmaxRegression, type LinearFit } from '@mlship/demo';
import { seededRandom } from '@mlship/eval';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';

const SOURCE_FIELDS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

export interface Penguin {
  species: string;
  features: number[];
}

export interface WindowOptions {
  rows: number;
  seed: number;
  /** Share of rows whose label has arrived. */
  labelShare: number;
  /** Added to each feature (a units change, a new sensor): the inputs move, the labels do not. */
  shift?: Partial<Record<(typeof DEMO_FEATURES)[number], number>>;
  /** Relative weight of each species when drawing rows (covariate shift: p(x) changes, p(y|x) does not). */
  speciesWeights?: Partial<Record<string, number>>;
  /** The model serving the rows; the one fitted on the unshifted training rows by default. */
  fit?: LinearFit;
}

export type Shift = WindowOptions['shift'];

export interface ServedPenguins {
  fit: LinearFit;
  referenceProfile: string;
  policy: string;
  holdout: Penguin[];
  writeWindow(name: string, options: WindowOptions): Promise<string>;
  /**
   * Fresh training data (the training rows, shifted): its CSV, its reference
   * profile, the model fitted on it as ONNX, and a labelled holdout CSV for
   * validation (the held-out rows, shifted the same way).
   */
  retrain(name: string, shift: Shift): Promise<{ fit: LinearFit; model: string; profile: string; holdout: string }>;
}

export const PENGUIN_POLICY = `schemaVersion: 1
classes: [Adelie, Chinstrap, Gentoo]
prediction: prediction
label: species
min_rows: 50
min_labels: 50
calibration: { max_ece: 0.05, min_rows: 50 }
triggers:
  features: [bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g]
  quality:
    - { metric: accuracy, min: 0.9 }
  max_age_days: 90
`;

export async function servedPenguins(dir: string): Promise<ServedPenguins> {
  const raw = JSON.parse(await readFile(penguinsPath(), 'utf8')) as Record<string, string | number | null>[];
  const rows: Penguin[] = raw
    .filter((r) => SOURCE_FIELDS.every((f) => typeof r[f] === 'number') && typeof r.Species === 'string')
    .map((r) => ({ species: r.Species as string, features: SOURCE_FIELDS.map((f) => r[f] as number) }));
  // The demo's split: every third row held out.
  const train = rows.filter((_, i) => i % 3 !== 0);
  const holdout = rows.filter((_, i) => i % 3 === 0);
  const fit = trainSoftmaxRegression({
    features: DEMO_FEATURES.map((_, j) => train.map((r) => r.features[j]!)),
    labels: train.map((r) => DEMO_CLASSES.indexOf(r.species)),
    classCount: DEMO_CLASSES.length,
    epochs: 400,
  });
  const referenceProfile = await writeProfiled(join(dir, 'train.csv'), train, join(dir, 'reference-profile.json'));
  const policy = join(dir, 'monitor.yml');
  await writeFile(policy, PENGUIN_POLICY);
  const stdev = DEMO_FEATURES.map((_, j) => {
    const xs = train.map((r) => r.features[j]!);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  });
  const shifted = (rows: Penguin[], shift: Shift) =>
    rows.map((r) => ({
      species: r.species,
      features: r.features.map((v, j) => v + (shift?.[DEMO_FEATURES[j]!] ?? 0)),
    }));
  return {
    fit,
    referenceProfile,
    policy,
    holdout,
    async retrain(name, shift) {
      const rows = shifted(train, shift);
      const fresh = trainSoftmaxRegression({
        features: DEMO_FEATURES.map((_, j) => rows.map((r) => r.features[j]!)),
        labels: rows.map((r) => DEMO_CLASSES.indexOf(r.species)),
        classCount: DEMO_CLASSES.length,
        epochs: 400,
      });
      const model = join(dir, `${name}.onnx`);
      await writeFile(
        model,
        buildLinearClassifierOnnx({ featureNames: [...DEMO_FEATURES], classes: DEMO_CLASSES, ...fresh }),
      );
      const profile = await writeProfiled(join(dir, `${name}-train.csv`), rows, join(dir, `${name}-profile.json`));
      const holdoutFile = join(dir, `${name}-holdout.csv`);
      await writeFile(holdoutFile, csv(shifted(holdout, shift)));
      return { fit: fresh, model, profile, holdout: holdoutFile };
    },
    async writeWindow(name, options) {
      const random = seededRandom(options.seed);
      const weights = holdout.map((r) => options.speciesWeights?.[r.species] ?? 1);
      const total = weights.reduce((a, b) => a + b, 0);
      const lines = [
        [...DEMO_FEATURES, ...DEMO_CLASSES.map((c) => `probability_${c}`), 'prediction', 'species'].join(','),
      ];
      for (let i = 0; i < options.rows; i++) {
        let u = random() * total;
        let k = 0;
        while (k < holdout.length - 1 && u >= weights[k]!) u -= weights[k++]!;
        const row = holdout[k]!;
        // A little measurement noise, so a window is not the holdout repeated.
        const x = row.features.map(
          (v, j) => v + (random() - 0.5) * 0.1 * stdev[j]! + (options.shift?.[DEMO_FEATURES[j]!] ?? 0),
        );
        const p = softmax(options.fit ?? fit, x);
        let top = 0;
        for (let c = 1; c < p.length; c++) if (p[c]! > p[top]!) top = c;
        const label = random() < options.labelShare ? row.species : '';
        lines.push(
          [...x.map((v) => v.toFixed(2)), ...p.map((v) => v.toPrecision(8)), DEMO_CLASSES[top], label].join(','),
        );
      }
      const file = join(dir, name);
      await writeFile(file, `${lines.join('\n')}\n`);
      return file;
    },
  };
}

function csv(rows: Penguin[]): string {
  return `${['species', ...DEMO_FEATURES].join(',')}\n${rows.map((r) => [r.species, ...r.features].join(',')).join('\n')}\n`;
}

/** Writes the rows as CSV and their profile (what `mlship data profile` writes) beside it. */
async function writeProfiled(file: string, rows: Penguin[], profileFile: string): Promise<string> {
  await writeFile(file, csv(rows));
  const { profile } = await profileData(file);
  await writeFile(profileFile, JSON.stringify(profile));
  return profileFile;
}

export function softmax(fit: LinearFit, x: number[]): number[] {
  const z = fit.weights.map((w, c) => w.reduce((s, wj, j) => s + wj * x[j]!, fit.bias[c]!));
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
