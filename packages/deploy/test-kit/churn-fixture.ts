// A small world for rollout tests: churn requests with true labels, a prod
// model right on 90% of them, and canaries that are as good (with other
// mistakes), clearly worse, or broken; each version published to a registry
// with the data profile of its training requests.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@mlship/eval';
import type { PublishFile, RegistryService } from '@mlship/registry';
import type { Prediction } from '../src/index.ts';
import { profileRecords } from './profile-records.ts';
import type { LabelledRow, Row, SimulatedModel } from './simulated-runtime.ts';

export const MODEL = 'churn';

/** Requests with their labels and keys. */
export function churnRequests(count: number, seed: number, firstId = 0): LabelledRow[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const tenure = 1 + Math.floor(random() * 60);
    const plan = random() < 0.3 ? 'pro' : 'basic';
    const churns = (plan === 'basic' ? 0.6 : 0.2) + (tenure < 12 ? 0.2 : -0.2) > random();
    return { id: firstId + i, features: { tenure, plan }, label: churns ? 'churn' : 'stay' };
  });
}

/** Whether a model with this error rate errs on a request: a fixed draw per (model, request). */
function errs(id: number, salt: number, errorRate: number): boolean {
  // splitmix32 of the request id and the model's salt: independent draws per model.
  let z = (Math.imul(id, 0x9e3779b9) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32 < errorRate;
}

/**
 * A classifier right on (1 − errorRate) of the requests. The labels are known
 * to the simulation only: the model answers the true label, or the other one
 * on its own share of requests.
 */
export function churnModel(
  version: string,
  labels: ReadonlyMap<number, string>,
  options: { errorRate: number; salt: number; fails?: boolean; latencyMs?: number },
): SimulatedModel {
  return {
    version,
    predict(_features: Row, id: number): Prediction {
      if (options.fails) throw new Error('model crashed');
      const truth = labels.get(id) ?? 'stay';
      const label = errs(id, options.salt, options.errorRate) ? (truth === 'churn' ? 'stay' : 'churn') : truth;
      const p = label === 'churn' ? 0.8 : 0.2;
      return { kind: 'class', label, probabilities: { churn: p, stay: 1 - p } };
    },
    latencyMs: () => options.latencyMs ?? 2,
  };
}

export const CHURN_POLICY = `task: classification
gates:
  - metric: accuracy
    max_drop: 0.05
canary:
  steps: [10, 50, 100]
  min_requests: 100
  min_minutes: 10
  min_labels: 100
`;

/** Publishes a version with a model file and, given `training` requests, their data profile. */
export async function publishChurnVersion(
  registry: RegistryService,
  version: string,
  commit: string,
  training: readonly LabelledRow[] | undefined,
  model: Uint8Array | string = `churn model ${version}`,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-churn-version-'));
  const files: PublishFile[] = [
    { path: join(dir, typeof model === 'string' ? 'model.bin' : 'model.onnx'), role: 'model' },
  ];
  await writeFile(files[0]!.path, model);
  if (training) {
    await writeFile(join(dir, 'profile.json'), JSON.stringify(await profileRecords(training.map((r) => r.features))));
    files.push({ path: join(dir, 'profile.json'), role: 'data-profile' });
  }
  try {
    await registry.publish({ name: MODEL, version, commit, files });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
