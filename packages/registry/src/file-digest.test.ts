import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { digestPublishFiles } from './file-digest.ts';

async function fileNamed(name: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'mlship-digest-')), name);
  await writeFile(path, 'bytes');
  return path;
}

test('a file whose name GitHub would rename as a release asset is refused before anything is written', async () => {
  // GitHub turns these into 'churn.model.onnx', 'model-1.0.0-1.buster.onnx', 'card.v2.md'; a download by the manifest's name would then fail.
  for (const name of ['churn model.onnx', 'model-1.0.0-1~buster.onnx', 'card(v2).md', '.hidden.onnx', 'modèle.onnx']) {
    const path = await fileNamed(name);
    await assert.rejects(
      digestPublishFiles([{ path, role: 'model' }]),
      (error: Error) => error instanceof InputError && error.message.includes(path) && error.message.includes('rename'),
      name,
    );
  }
});

test('names GitHub keeps as given are accepted', async () => {
  for (const name of ['model.onnx', 'churn_model-v2.onnx', 'MODEL_CARD.md']) {
    const [staged] = await digestPublishFiles([{ path: await fileNamed(name), role: 'model' }]);
    assert.equal(staged!.name, name);
  }
});
