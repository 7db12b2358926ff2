// `mlship serve` from a terminal: it prints its address, answers the
// protocol, stops cleanly on SIGTERM, and refuses bad command lines in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { main } from '../main.ts';

const MAIN = join(import.meta.dirname, '..', 'main.ts');

async function modelDir(): Promise<{ dir: string; model: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-cli-serve-'));
  const model = join(dir, 'penguins.onnx');
  await writeFile(
    model,
    buildLinearClassifierOnnx({ featureCount: 2, weights: [[1, 1]], bias: [-250], classes: ['small', 'big'] }),
  );
  return { dir, model };
}

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd,
    env: { MLSHIP_REGISTRY: `local:${join(cwd, 'registry')}` },
  });
  return { code, stdout, stderr };
}

test('mlship serve prints its address, serves the protocol and stops on SIGTERM with exit 0', async () => {
  const { dir, model } = await modelDir();
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--model', model, '--port', '0', '--data-dir', join(dir, 'data')],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n')[0]!;
        if (out.includes('\n')) resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/v2/models/penguins/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [40, 220] }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { outputs: { data: unknown[] }[] }).outputs[0]!.data, ['big']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /mlship serve: penguins: prod sha256-[0-9a-f]{12}; Open Inference Protocol on http/);
    assert.match(stderr, /SIGTERM: finishing requests in flight, then stopping/);
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('mlship serve refuses bad command lines and models in one line, before listening', async () => {
  const { dir, model } = await modelDir();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = String((blocker.address() as { port: number }).port);
  try {
    const cases: [string[], RegExp][] = [
      [
        [],
        /^mlship: error: mlship serve: --model is required \(NAME@prod or a \.onnx file\); see 'mlship serve --help'\n$/,
      ],
      [['--model', model, '--port', 'eighty'], /--port must be a port number/],
      [['--model', model, '--canary-weight', '150'], /--canary-weight must be 0 to 100/],
      [['--model', model, '--max-batch-rows', '0'], /--max-batch-rows must be at least 1/],
      [['--model', model, '--max-batch-rows', '2.5'], /--max-batch-rows must be a whole number of rows/],
      [['--model', model, '--max-queue-delay-ms', 'soon'], /--max-queue-delay-ms must be milliseconds/],
      [
        ['--model', model, '--port', port],
        new RegExp(`^mlship: error: port ${port} on 127\\.0\\.0\\.1 is in use; pick another with --port`),
      ],
      [['--model', 'missing.onnx'], /--model .*missing\.onnx: cannot read the model file \(ENOENT\)/],
      [
        ['--model', 'penguins@prod'],
        /^mlship: error: no model 'penguins' in the registry at local:.*; publish it first\n$/,
      ],
      [['--model', 'pen guins@prod'], /^mlship: error: --model /],
    ];
    for (const [argv, message] of cases) {
      const r = await run(['serve', ...argv, '--data-dir', join(dir, 'data')], dir);
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.stderr, message, argv.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  } finally {
    blocker.close();
    await rm(dir, { recursive: true, force: true });
  }
});
