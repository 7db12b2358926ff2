import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLinearClassifierOnnx } from '../test-kit/build-model.ts';

test("running a model leaves nothing in TMPDIR: ONNX Runtime's telemetry is off", () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-ort-telemetry-'));
  try {
    const temp = join(dir, 'tmp');
    const model = join(dir, 'model.onnx');
    mkdirSync(temp);
    writeFileSync(model, buildLinearClassifierOnnx({ weights: [[1, -1]], bias: [0], classes: [0, 1] }));
    const script = `
      const { loadModel } = await import(${JSON.stringify(join(import.meta.dirname, 'session.ts'))});
      const m = await loadModel(${JSON.stringify(model)});
      await m.run({ [m.signature.inputs[0].name]: { data: new Float32Array([1, 2]), dims: [1, 2] } });
      await m.release();`;
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp };
    delete env.ORT_DISABLE_TELEMETRY;
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, stdio: 'pipe' });
    assert.deepEqual(readdirSync(temp), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
