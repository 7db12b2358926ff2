// Runs the team's training command, in any language, as its own process
// group: output streamed as it comes, metrics read from file descriptor 3,
// and a stop (timeout, cancellation) forwarded as SIGTERM to every process of
// the group, then SIGKILL after the grace period. Nothing it started is left
// running when this returns.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { LineSplitter } from './metrics-log.ts';

/** A shell line (as a workflow's `run:`), or an argument vector run without a shell (the CLI's `-- cmd args`). */
export type TrainingCommand = { shell: string } | { argv: readonly string[] };

export type StopReason = 'timeout' | 'cancelled';

export interface RunCommandOptions {
  command: TrainingCommand;
  cwd: string;
  /** The whole environment of the command (nothing else is inherited). */
  env: Record<string, string>;
  /** The command's stdout and stderr, interleaved as they arrive. */
  onOutput(text: string): void;
  /** Each line written to file descriptor 3 (MLSHIP_METRICS_FD). */
  onMetricsLine(line: string): void;
  timeoutMs?: number;
  /** Aborting stops the command as a cancellation. */
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
  /** The same after a cancellation, when the runner leaves the step little time (default graceMs). */
  cancelGraceMs?: number;
}

export interface CommandResult {
  exitCode: number | null;
  /** The signal that ended the command, when one did. */
  signal: NodeJS.Signals | null;
  stoppedBy: StopReason | undefined;
  /** The command (or the shell's first word) could not be found or started. */
  notFound: boolean;
  startError: string | undefined;
  /** The last lines it printed, for the error message when it fails. */
  lastLines: string[];
  durationMs: number;
}

const TAIL_LINES = 20;
/** Enough of the output's end for 20 lines of any usual length. */
const TAIL_CHARS = 16 * 1024;
/** After the command exits, how long its pipes may stay open (a background child holding them). */
const DRAIN_MS = 2_000;

export function shellOf(command: TrainingCommand): { file: string; args: string[] } {
  if ('argv' in command) return { file: command.argv[0] ?? '', args: command.argv.slice(1) };
  // What a workflow's `run:` uses on Linux when bash is there: fail on the first error and in pipes.
  return { file: 'bash', args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command.shell] };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone.
  }
}

export function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const { file, args } = shellOf(options.command);
  // Only the last lines are kept, and they are needed once, at the end: the output's last
  // characters are kept as they come and split into lines then, not every chunk as it passes.
  let recent = '';
  let cut = false;
  const keep = (text: string) => {
    recent += text;
    if (recent.length > 2 * TAIL_CHARS) {
      recent = recent.slice(-TAIL_CHARS);
      cut = true;
    }
  };
  const lastLines = () => {
    const lines = recent.split('\n');
    if (lines.at(-1) === '') lines.pop();
    // The first line of a cut tail is the end of a longer one.
    if (cut && lines.length > 1) lines.shift();
    return lines.slice(-TAIL_LINES).map((line) => line.replace(/\r$/, ''));
  };
  return new Promise((resolve) => {
    let stoppedBy: StopReason | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stop = (reason: StopReason) => {
      if (stoppedBy || child.exitCode !== null || child.signalCode !== null) return;
      stoppedBy = reason;
      killGroup(child, 'SIGTERM');
      const grace = reason === 'cancelled' ? (options.cancelGraceMs ?? options.graceMs) : options.graceMs;
      timers.push(setTimeout(() => killGroup(child, 'SIGKILL'), grace));
    };
    const onAbort = () => stop('cancelled');
    if (options.signal?.aborted) queueMicrotask(onAbort);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));

    const streams = [child.stdout, child.stderr, child.stdio[3] as Readable | null].filter((s): s is Readable => !!s);
    const metricsLines = new LineSplitter();
    for (const stream of [child.stdout, child.stderr]) {
      // Decoded by the stream, which holds back a character cut by the end of a read until its rest comes.
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        options.onOutput(text);
        keep(text);
      });
    }
    const metrics = child.stdio[3] as Readable | null;
    metrics?.setEncoding('utf8');
    metrics?.on('data', (text: string) => {
      for (const line of metricsLines.feed(text)) options.onMetricsLine(line);
    });
    for (const stream of streams) stream.on('error', () => {});

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, startError?: string) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const line of metricsLines.end()) options.onMetricsLine(line);
      const notFound =
        startError !== undefined ? /ENOENT/.test(startError) : 'shell' in options.command && exitCode === 127;
      resolve({
        exitCode,
        signal,
        stoppedBy,
        notFound,
        startError,
        lastLines: lastLines(),
        durationMs: performance.now() - started,
      });
    };
    child.on('error', (error) => finish(null, null, error.message));
    child.on('exit', (code, signal) => {
      // Whatever it left behind in its group goes too: nothing keeps running on the runner.
      killGroup(child, 'SIGTERM');
      const killer = setTimeout(() => killGroup(child, 'SIGKILL'), Math.min(options.graceMs, DRAIN_MS));
      let open = streams.filter((s) => !s.readableEnded && !s.destroyed).length;
      const done = () => {
        clearTimeout(drain);
        clearTimeout(killer);
        killGroup(child, 'SIGKILL');
        finish(code, signal);
      };
      const drain = setTimeout(() => {
        for (const stream of streams) stream.destroy();
        done();
      }, DRAIN_MS);
      if (open === 0) return done();
      for (const stream of streams) {
        if (stream.readableEnded || stream.destroyed) continue;
        stream.once('close', () => {
          if (--open === 0) done();
        });
      }
    });
  });
}
