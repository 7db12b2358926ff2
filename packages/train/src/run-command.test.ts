import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, type RunCommandOptions } from './run-command.ts';

const TRAINER = fileURLToPath(new URL('../test-kit/fake-trainer.ts', import.meta.url));
const trainer = (...args: string[]) => ({ argv: [process.execPath, TRAINER, ...args] });

/** Runs a command; with `stopAfter`, aborts it once its output matches (it has started and handles signals). */
async function run(command: RunCommandOptions['command'], more: Partial<RunCommandOptions> = {}, stopAfter?: RegExp) {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-run-command-'));
  let output = '';
  const metrics: string[] = [];
  const controller = new AbortController();
  try {
    const result = await runCommand({
      command,
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', MLSHIP_METRICS_FD: '3', MLSHIP_CHECKPOINT_DIR: join(dir, 'ckpt') },
      signal: controller.signal,
      onOutput: (text) => {
        output += text;
        if (stopAfter?.test(output)) controller.abort();
      },
      onMetricsLine: (line) => metrics.push(line),
      graceMs: 5_000,
      ...more,
    });
    let state: unknown;
    try {
      state = JSON.parse(readFileSync(join(dir, 'ckpt', 'state.json'), 'utf8'));
    } catch {
      state = undefined;
    }
    return { result, output, metrics, state };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('output streams as it comes, metrics arrive on file descriptor 3', async () => {
  const { result, output, metrics, state } = await run(trainer('--steps', '6', '--step-ms', '1'));
  assert.equal(result.exitCode, 0);
  assert.equal(result.stoppedBy, undefined);
  assert.match(output, /starting from scratch\n.*step 1\/6/s);
  assert.equal(metrics.length, 7, 'six losses and one eval');
  assert.deepEqual(JSON.parse(metrics[0]!), { step: 1, name: 'loss', value: 0.5 });
  assert.deepEqual(state, { step: 6 });
  assert.equal(result.lastLines.at(-1), 'checkpoint at step 6');
});

test('a timeout is forwarded as SIGTERM; the command checkpoints and exits in its grace period', async () => {
  const { result, output, state } = await run(trainer('--steps', '100000', '--step-ms', '5'), { timeoutMs: 5_000 });
  assert.equal(result.stoppedBy, 'timeout');
  assert.equal(result.exitCode, 143);
  assert.match(output, /SIGTERM at step (\d+)/);
  const stopped = Number(/SIGTERM at step (\d+)/.exec(output)?.[1]);
  assert.ok((state as { step: number }).step >= stopped, 'the checkpoint holds the step it stopped at');
});

test('a command that ignores SIGTERM is killed when the grace period ends', async () => {
  const { result, output } = await run(
    trainer('--steps', '100000', '--step-ms', '5', '--ignore-sigterm'),
    { graceMs: 800 },
    /step 2\//,
  );
  assert.equal(result.stoppedBy, 'cancelled');
  assert.equal(result.signal, 'SIGKILL');
  assert.match(output, /SIGTERM at step/);
});

test('cancellation through an AbortSignal stops the command the same way', async () => {
  const { result } = await run(trainer('--steps', '100000', '--step-ms', '5'), {}, /step 2\//);
  assert.equal(result.stoppedBy, 'cancelled');
  assert.equal(result.exitCode, 143);
});

test('a command that does not exist: 127 from the shell, ENOENT without one', async () => {
  const shell = await run({ shell: 'trian.py --epochs 3' });
  assert.equal(shell.result.exitCode, 127);
  assert.equal(shell.result.notFound, true);
  assert.match(shell.result.lastLines.join('\n'), /trian\.py: command not found/);
  const direct = await run({ argv: ['./no-such-trainer'] });
  assert.equal(direct.result.notFound, true);
  assert.match(direct.result.startError ?? '', /ENOENT/);
});

test('a shell line fails on its first failing command, pipes included', async () => {
  const { result, output } = await run({ shell: 'false | cat; echo after' });
  assert.equal(result.exitCode, 1);
  assert.doesNotMatch(output, /after/);
});

test('nothing the command started is left running', async () => {
  const { result, output } = await run({ shell: 'sleep 300 & echo "child $!"' });
  assert.equal(result.exitCode, 0);
  const pid = Number(/child (\d+)/.exec(output)?.[1]);
  assert.ok(pid > 0);
  // Killed: gone, or a zombie where PID 1 does not reap orphans (as in some containers).
  let state = '';
  try {
    state = /State:\s*(\S)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
  } catch {
    state = 'gone';
  }
  assert.ok(state === 'gone' || state === 'Z', `the background sleep is ${state}`);
});

test('characters split across two reads of the output come out whole', async () => {
  // 200,000 three-byte characters: the pipe's reads end inside some of them.
  const { result, output } = await run({ shell: `printf '€%.0s' $(seq 200000); echo; echo done` });
  assert.equal(result.exitCode, 0);
  assert.equal(output.includes('\uFFFD'), false, 'no replacement character');
  assert.equal(output, `${'€'.repeat(200_000)}\ndone\n`);
});

test('the last 20 lines are kept: carriage returns dropped, the unterminated last line included', async () => {
  const { result } = await run({
    shell: `for i in $(seq 30); do echo "line $i"; done; printf 'last\\r\\nunterminated'`,
  });
  assert.deepEqual(result.lastLines, [
    ...Array.from({ length: 18 }, (_, i) => `line ${i + 13}`),
    'last',
    'unterminated',
  ]);
  const long = await run({ shell: `printf 'x%.0s' $(seq 100000); echo; echo end` });
  assert.deepEqual(long.result.lastLines, ['end'], 'the cut end of a 100,000-character line is not a line');
});
