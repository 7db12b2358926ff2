// mlship train: the team's training command wrapped as actions/train wraps
// it (preflight, metrics, telemetry, checkpoints, lineage), from a terminal.
// Checkpoints go to a directory of this machine instead of the Actions cache,
// and nothing is uploaded.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { z } from 'zod';
import { inputName } from '@mlship/actions-kit';
import type { RunnerContext } from '@mlship/runner-context';
import {
  LocalCheckpointStore,
  runTraining,
  toolRunner,
  trainContextFromRunner,
  TrainInputsSchema,
  type TrainContext,
} from '@mlship/train';
import { parseCommandLine, usageError } from '../flags.ts';
import type { CliCommand, CliIO } from '../command.ts';
import { cliRunnerContext } from '../runner.ts';

const USAGE = `usage: mlship train [options] -- COMMAND...     (or --run 'COMMAND')
  --gpus N                      GPUs the job needs (fails in seconds when fewer are free)
  --checkpoint-dir DIR          where the command writes checkpoints (restored and saved)
  --checkpoint-store DIR        where checkpoints are kept (default .mlship/checkpoints)
  --model-path FILE             the ONNX model the command writes
  --params FILE  --config FILE  --data PATHS  --final-metrics FILE  --metrics-file FILE
  --seed N  --deterministic  --reproduce  --timeout-minutes M  --grace-seconds S
  --hourly-rate RATE  --currency USD  --pass-env NAMES  --output-dir DIR (default mlship-train)
  --name NAME  --json`;

/** Flags are the action's inputs, kebab-case, minus those only a runner has (token, artifacts, fork approval). */
const CLI_ONLY_ON_RUNNER = new Set([
  'token',
  'artifactName',
  'uploadArtifact',
  'retentionDays',
  'forkApprovalEnvironment',
]);
const BOOLEAN = new Set(['deterministic', 'reproduce', 'restoreFromDefaultBranch']);
const keys = Object.keys(TrainInputsSchema.shape).filter((key) => !CLI_ONLY_ON_RUNNER.has(key));
const OPTIONS: ParseArgsOptionsConfig = {
  ...Object.fromEntries(keys.map((key) => [inputName(key), { type: BOOLEAN.has(key) ? 'boolean' : 'string' }])),
  'checkpoint-store': { type: 'string' },
  json: { type: 'boolean' },
};

function git(cwd: string, args: string[]): string | undefined {
  try {
    return (
      execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * The run's context: the runner's when run inside a workflow step, else this
 * checkout's (commit and branch from git), named after the checkout.
 */
function trainContext(runner: RunnerContext, io: CliIO): TrainContext {
  const context = trainContextFromRunner(runner, io.env);
  if (runner.inActions) return context;
  const top = git(io.cwd, ['rev-parse', '--show-toplevel']);
  return { ...context, defaultName: top?.split('/').at(-1) ?? 'model' };
}

const command: CliCommand = {
  summary: 'run a training command with preflight, metrics, telemetry, checkpoints and lineage',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const { flags, positionals } = parseCommandLine('train', argv, OPTIONS, z.object({}).loose());
    const raw = flags as Record<string, string | boolean | undefined>;
    const given = Object.fromEntries(
      keys.flatMap((key) => {
        const value = raw[inputName(key)];
        return value === undefined ? [] : [[key, String(value)]];
      }),
    );
    if (positionals.length && given['run']) throw usageError('train', 'give the command once: --run or after --');
    const inputs = TrainInputsSchema.safeParse({ ...given, run: given['run'] ?? positionals.join(' ') });
    if (!inputs.success) {
      const issue = inputs.error.issues[0]!;
      const key = String(issue.path[0]);
      throw usageError(
        'train',
        key === 'run' ? 'no training command: give it after --' : `--${inputName(key)} ${issue.message}`,
      );
    }
    const store = String(raw['checkpoint-store'] ?? '.mlship/checkpoints');
    const runner = await cliRunnerContext('train', io, {});
    const result = await runTraining(inputs.data, trainContext(runner, io), {
      runTool: toolRunner(io.env),
      store: inputs.data.checkpointDir ? new LocalCheckpointStore(resolve(io.cwd, store), store) : undefined,
      log: runner.inActions ? 'actions' : 'plain',
      write: raw['json'] ? io.stderr : io.stdout,
      warn: (message) => io.stderr(`mlship train: warning: ${message}\n`),
    });
    if (raw['json'])
      io.stdout(
        `${JSON.stringify({ outcome: result.outcome, paths: result.paths, failure: result.failure }, null, 2)}\n`,
      );
    else io.stdout(`mlship train: ${result.outcome}; report ${result.paths.report}, lineage ${result.paths.lineage}\n`);
    if (result.failure) io.stderr(`mlship: error: ${result.failure}\n`);
    return result.failure ? 1 : 0;
  },
};

export default command;
