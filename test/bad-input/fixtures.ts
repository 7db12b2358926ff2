// The real files bad-input rows start from, built once per test file: the
// demo's penguins data and models, a published local registry, and broken
// copies of them (truncated, one bad value) made from the real ones.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData } from '@mlship/data';
import { writeDemoData, writeDemoModels } from '@mlship/demo';
import { readOnnxSignature } from '@mlship/onnx';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { LocalStore, RegistryService } from '@mlship/registry';

export interface Fixtures {
  /** Fixture name → absolute path (a file, or a directory for 'registry'). */
  paths: Record<string, string>;
  /**
   * NODE_COMPILE_CACHE for the runs: each row starts a fresh Node process, and
   * compiling the same modules again for every row doubled the table's CPU time.
   */
  compileCache: string;
  remove(): void;
}

const FLIGHTS_PARQUET = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  'vega-datasets',
  'data',
  'flights-3m.parquet',
);

export async function buildFixtures(): Promise<Fixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-bad-input-fixtures-'));
  const data = await writeDemoData(join(dir, 'data'));
  const models = await writeDemoModels(join(dir, 'models'));
  const at = (name: string) => join(dir, name);
  const write = (name: string, content: string | Uint8Array) => {
    writeFileSync(at(name), content);
    return at(name);
  };

  const holdout = readFileSync(models.holdout, 'utf8').split('\n');
  // Row 3's bill length becomes text; the other rows keep numbers, so the message must show this value.
  const withText = holdout.map((line, i) => (i === 3 ? line.replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$1n/a cm') : line));

  const { profile: tiny } = await profileData(write('tiny.csv', 'a,b\n1,x\n2,y\n'));

  const registryDir = at('registry');
  const registry = new RegistryService(new LocalStore(registryDir), {
    actor: 'alice',
    readSignature: readOnnxSignature,
  });
  await registry.publish({ name: 'churn', version: 'v1.0.0', files: [{ path: models.candidate, role: 'model' }] });
  await registry.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });

  const parquet = readFileSync(FLIGHTS_PARQUET);
  const paths = {
    'candidate.onnx': models.candidate,
    'baseline.onnx': models.baseline,
    'holdout.csv': models.holdout,
    'policy.yml': models.policy,
    'reference-profile.json': data.referenceProfile,
    'expectations.yml': data.expectations,
    'tiny-profile.json': write('tiny-profile.json', `${JSON.stringify(tiny)}\n`),
    'holdout-with-text.csv': write('holdout-with-text.csv', withText.join('\n')),
    'holdout-header.csv': write('holdout-header.csv', `${holdout[0]}\n`),
    'policy-wrong-features.yml': write(
      'policy-wrong-features.yml',
      readFileSync(models.policy, 'utf8').replace('features: [bill_length_mm,', 'features: [beak_length_mm,'),
    ),
    'truncated.onnx': write('truncated.onnx', readFileSync(models.candidate).subarray(0, 200)),
    // A model of another signature: three named inputs where the demo's models take one features tensor.
    'other-inputs.onnx': write(
      'other-inputs.onnx',
      buildLinearClassifierOnnx({
        weights: [[1, 1, 1]],
        bias: [0],
        classes: ['stay', 'churn'],
        featureNames: ['tenure', 'plan_pro', 'calls'],
      }),
    ),
    // The file's start with its magic, cut short: the footer is gone.
    'truncated.parquet': write('truncated.parquet', parquet.subarray(0, 64 * 1024)),
    registry: registryDir,
  };
  return { paths, compileCache: at('compile-cache'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
