// mlship monitor: the monitor action's library call from a terminal, and
// `mlship monitor calibrate`, which writes the calibration summary a version
// ships for the monitor's label-free estimate.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import {
  calibrateHoldout,
  checkCalibration,
  MonitorInputsSchema,
  readMonitorPolicy,
  runMonitor,
  type MonitorResult,
} from '@mlship/monitor';
import type { CliCommand, CliIO } from '../command.ts';
import { parseCommandLine, usageError } from '../flags.ts';
import {
  GITHUB_OPTIONS,
  TOKEN_HINT,
  cliGitHubClient,
  cliRunnerContext,
  cliWarning,
  openCliRegistry,
  readToken,
} from '../runner.ts';

const USAGE = `usage: mlship monitor DATA --policy FILE --model NAME [--stage STAGE] [--reference-profile FILE] [--calibration FILE]
                      [--registry DIR|local:DIR|github:OWNER/REPO] [--repo OWNER/REPO] [--api-url URL]
                      [--window-hours H | --since ISO-TIME] [--output-dir DIR] [--json]
       mlship monitor calibrate HOLDOUT --policy FILE --output FILE [--json]
DATA is the window's served rows: a .parquet, .csv or .jsonl file, or a quoted glob (one matching no file is a
window without traffic); or mlship serve's --data-dir, whose prediction log gives the rows the prod version
served in the last --window-hours (24) or since --since, with their labels. --repo keeps the model's tracking issue in that repository (a token from GITHUB_TOKEN,
GH_TOKEN or --token-stdin). The production version is the one holding --stage (prod) in the registry; with
--reference-profile and no --stage, the profile stands in for the registry.`;

const OPTIONS = {
  policy: { type: 'string' },
  model: { type: 'string' },
  stage: { type: 'string' },
  'reference-profile': { type: 'string' },
  calibration: { type: 'string' },
  registry: { type: 'string' },
  repo: { type: 'string' },
  ...GITHUB_OPTIONS,
  'window-hours': { type: 'string' },
  since: { type: 'string' },
  'output-dir': { type: 'string' },
  output: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const FlagsSchema = z.object({
  policy: z.string({ error: 'is required' }),
  model: z.string().optional(),
  stage: z.string().optional(),
  'reference-profile': z.string().optional(),
  calibration: z.string().optional(),
  registry: z.string().optional(),
  repo: z.string().optional(),
  'api-url': z.string().optional(),
  'token-stdin': z.boolean().optional(),
  token: z.string().optional(),
  'token-env': z.string().optional(),
  'window-hours': z.string().optional(),
  since: z.string().optional(),
  'output-dir': z.string().default('mlship-monitor'),
  output: z.string().optional(),
  json: z.boolean().default(false),
});
type Flags = z.infer<typeof FlagsSchema>;

const command: CliCommand = {
  summary: 'judge a window of served rows: drift, estimated and realised quality, model age, tracking issue',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const { flags, positionals } = parseCommandLine('monitor', argv, OPTIONS, FlagsSchema);
    if (positionals[0] === 'calibrate') return calibrate(positionals.slice(1), flags, io);
    if (positionals.length !== 1)
      throw usageError('monitor', `give exactly one DATA path or quoted glob (got ${positionals.length})`);
    if (!flags.model) throw usageError('monitor', '--model is required (the model in production, e.g. churn)');
    return monitor(positionals[0]!, flags, flags.model, io);
  },
};

async function monitor(data: string, flags: Flags, model: string, io: CliIO): Promise<number> {
  const context = await cliRunnerContext('monitor', io, flags);
  const token = flags.repo === undefined ? undefined : await readToken('monitor', io, flags);
  if (flags.repo !== undefined && !token)
    throw usageError('monitor', `--repo keeps the tracking issue there and needs a token; ${TOKEN_HINT}`);
  const window = MonitorInputsSchema.pick({ windowHours: true, since: true }).safeParse({
    windowHours: flags['window-hours'],
    since: flags.since,
  });
  if (!window.success) {
    const issue = window.error.issues[0]!;
    const flag = issue.path[0] === 'since' ? '--since' : '--window-hours';
    throw usageError(
      'monitor',
      `${flag}: ${flag === '--since' ? 'give a time such as 2026-11-30T04:00:00Z' : 'give a positive number of hours'}`,
    );
  }
  const result = await runMonitor(
    {
      data,
      policy: flags.policy,
      model,
      stage: flags.stage,
      referenceProfile: flags['reference-profile'],
      calibration: flags.calibration,
      trackingIssue: token !== undefined,
      ...window.data,
      outputDir: flags['output-dir'],
    },
    {
      cwd: io.cwd,
      now: new Date(),
      registry: () => openCliRegistry('monitor', io, flags, context),
      warn: cliWarning(io, context),
      ...(token && context.repo && { github: { client: cliGitHubClient(context, token, io), repo: context.repo } }),
    },
  );
  io.stdout(flags.json ? `${JSON.stringify(summary(result), null, 2)}\n` : lines(result));
  if (result.failed) throw new InputError(result.failed);
  return 0;
}

function summary(result: MonitorResult) {
  const { verdict, evidence } = result.outcome;
  return {
    model: result.model,
    version: result.version,
    status: verdict.status,
    retrain: verdict.triggers.length > 0,
    triggers: verdict.triggers,
    rows: evidence.rows,
    labelledRows: evidence.labelledRows,
    estimateReliable: verdict.estimateReliable,
    quality: verdict.quality,
    notes: verdict.notes,
    tracking: result.tracking,
    outputs: { report: result.reportPath, result: result.resultPath },
  };
}

function lines(result: MonitorResult): string {
  const { verdict, evidence } = result.outcome;
  const out = [
    `monitor: ${result.model}${result.version ? `@${result.version}` : ''}: ${verdict.status} (${evidence.rows} rows, ${evidence.labelledRows} labelled)`,
  ];
  for (const t of verdict.triggers) out.push(`  trigger ${t.kind}: ${t.message}`);
  for (const q of verdict.quality)
    out.push(
      `  ${q.metric}: estimated ${q.estimated.toFixed(3)}${verdict.estimateReliable ? '' : ' (unreliable)'}` +
        (q.realised === null ? '' : `, realised ${q.realised.toFixed(3)}`) +
        (q.floor === null ? '' : `, floor ${q.floor}${q.judgedOn ? ` judged on ${q.judgedOn}` : ' not judged'}`),
    );
  for (const n of verdict.notes) out.push(`  note: ${n}`);
  if (result.tracking && result.tracking.action !== 'none')
    out.push(`  tracking issue #${result.tracking.issueNumber}: ${result.tracking.action}`);
  if (result.reportPath) out.push(`  report: ${result.reportPath}`);
  return `${out.join('\n')}\n`;
}

async function calibrate(positionals: string[], flags: Flags, io: CliIO): Promise<number> {
  if (positionals.length !== 1)
    throw usageError('monitor calibrate', `give exactly one HOLDOUT path or quoted glob (got ${positionals.length})`);
  if (!flags.output) throw usageError('monitor calibrate', '--output is required (where calibration.json goes)');
  const policy = await readMonitorPolicy(resolve(io.cwd, flags.policy), flags.policy);
  const summary = await calibrateHoldout(resolve(io.cwd, positionals[0]!), policy);
  const check = checkCalibration(summary, {
    maxEce: policy.calibration.max_ece,
    minRows: policy.calibration.min_rows,
  });
  await writeFile(resolve(io.cwd, flags.output), `${JSON.stringify(summary, null, 2)}\n`);
  io.stdout(
    flags.json
      ? `${JSON.stringify(check, null, 2)}\n`
      : `calibration: ${check.status}: ECE ${check.ece.toFixed(3)} [${check.interval[0].toFixed(3)}, ${check.interval[1].toFixed(3)}] on ${check.rows} rows; ${check.reason}\n  wrote ${flags.output}\n`,
  );
  return 0;
}

export default command;
