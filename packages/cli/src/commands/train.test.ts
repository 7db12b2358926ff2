import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installRecordedGpu } from '@mlship/train/test-kit';
import { main } from '../main.ts';

const TRAINER = fileURLToPath(new URL('../../../train/test-kit/fake-trainer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlship-train-cli-'));
const cpu = installRecordedGpu('cpu');
after(() => {
  cpu.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['train', ...argv], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
    env: { PATH: cpu.path, HOME: dir, ...env },
  });
  return { code, stdout, stderr };
}

const command = ['--', process.execPath, TRAINER, '--steps', '10', '--step-ms', '5'];
const flags = ['--checkpoint-dir', 'ckpt', '--checkpoint-store', 'store', '--name', 'churn'];

test('the command after --, killed at step 7, resumes from its checkpoint in the local store', async () => {
  const first = await run([...flags, ...command], { FAKE_TRAINER_DIE_AT: '7' });
  assert.equal(first.code, 1);
  assert.match(first.stderr, /^mlship: error: the training command was killed by SIGKILL/m);
  rmSync(join(dir, 'ckpt'), { recursive: true, force: true });
  const second = await run([...flags, '--json', ...command]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /restored checkpoint mlship-checkpoint-churn-local-/);
  assert.match(second.stderr, /resumed from step 5/);
  const result = JSON.parse(second.stdout);
  assert.equal(result.outcome, 'succeeded');
  const lineage = JSON.parse(readFileSync(result.paths.lineage, 'utf8'));
  assert.equal(lineage.model, 'churn');
  assert.equal(lineage.checkpoint.restoredFrom.startsWith('mlship-checkpoint-churn-local-'), true);
});

test('mistakes are one line naming the flag, and a GPU job on this CPU machine is refused', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['--gpus', 'two', ...command],
      /^mlship: error: mlship train: --gpus expected a number; see 'mlship train --help'\n$/,
    ],
    [[], /no training command: give it after --/],
    [['--run', 'true', ...command], /give the command once: --run or after --/],
    [['--gpus', '1', '--', 'true'], /this job needs 1 GPU but runner 'this machine' has none/],
  ];
  for (const [argv, message] of cases) {
    const { code, stderr } = await run(argv);
    assert.equal(code, 1, argv.join(' '));
    assert.match(stderr, message);
  }
});
