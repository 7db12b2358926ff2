// mlship serve: the reference server (Open Inference Protocol on ONNX
// Runtime) for prod and a canary, until SIGINT or SIGTERM; SIGHUP re-reads
// the registry's stages at once.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { safeParseModelReference, type RegistryService } from '@mlship/registry';
import { startServe, DEFAULT_BATCHING, DEFAULT_PORT } from '@mlship/serve';
import { parseCommandLine } from '../flags.ts';
import { cliRunnerContext, GITHUB_OPTIONS, openCliRegistry, type GitHubFlags } from '../runner.ts';
import type { CliCommand, CliIO } from '../command.ts';

const USAGE = `usage: mlship serve --model NAME@prod|FILE [--canary NAME@canary|FILE] [--port N] [--host H]
                    [--canary-weight PERCENT] [--no-shadow] [--name NAME] [--task classification|regression]
                    [--registry local:DIR|github:OWNER/REPO] [--data-dir DIR] [--watch-seconds S]
                    [--log-inputs full|digest] [--log-max-mb MB] [--log-files N] [--label-window-hours H]
                    [--max-batch-rows N] [--max-queue-delay-ms MS] [--api-url URL] [--token-stdin]
Serves the Open Inference Protocol (KServe v2 / Triton REST) on http://HOST:PORT/v2 (default 127.0.0.1:${DEFAULT_PORT}),
with the rollout routes under /v2/mlship and Prometheus metrics on /metrics. A registry reference resolves in
--registry (default $MLSHIP_REGISTRY, else local:.mlship/registry; a github: registry's token comes from GITHUB_TOKEN
or GH_TOKEN, or from stdin with --token-stdin),
and a stage reference is followed: every --watch-seconds (default 30) and on SIGHUP. With MLSHIP_SERVE_TOKEN set,
the rollout routes (traffic, evidence, feedback) need Authorization: Bearer <that token>. Requests that arrive
while a model runs share its next run, up to --max-batch-rows rows (default 64; 1: one run per request); a lone
request waits --max-queue-delay-ms for others (default 0).`;

const count = (what: string) => z.coerce.number({ error: `must be ${what}` });

const FlagsSchema = z.object({
  model: z.string({ error: 'is required (NAME@prod or a .onnx file)' }),
  canary: z.string().optional(),
  port: count('a port number')
    .pipe(z.number().int().min(0).max(65535, { error: 'must be a port number (0 to 65535)' }))
    .default(DEFAULT_PORT),
  host: z.string().default('127.0.0.1'),
  'canary-weight': count('a percentage')
    .pipe(z.number().min(0).max(100, { error: 'must be 0 to 100' }))
    .default(0),
  'no-shadow': z.boolean().default(false),
  name: z.string().optional(),
  task: z.enum(['classification', 'regression']).optional(),
  registry: z.string().optional(),
  'data-dir': z.string().default('.mlship/serve'),
  'watch-seconds': count('seconds').pipe(z.number().min(0)).default(30),
  'log-inputs': z.enum(['full', 'digest']).default('full'),
  'log-max-mb': count('megabytes').pipe(z.number().positive()).default(64),
  'log-files': count('a file count').pipe(z.number().int().min(1)).default(10),
  'label-window-hours': count('hours').pipe(z.number().positive()).default(24),
  'max-batch-rows': count('a row count')
    .pipe(z.number().int({ error: 'must be a whole number of rows' }).min(1, { error: 'must be at least 1' }))
    .default(DEFAULT_BATCHING.maxBatchRows),
  'max-queue-delay-ms': count('milliseconds').pipe(z.number().min(0)).default(DEFAULT_BATCHING.maxQueueDelayMs),
  'api-url': z.string().optional(),
  'token-stdin': z.boolean().optional(),
  token: z.string().optional(),
  'token-env': z.string().optional(),
});

const OPTIONS = {
  model: { type: 'string' },
  canary: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'canary-weight': { type: 'string' },
  'no-shadow': { type: 'boolean' },
  name: { type: 'string' },
  task: { type: 'string' },
  registry: { type: 'string' },
  'data-dir': { type: 'string' },
  'watch-seconds': { type: 'string' },
  'log-inputs': { type: 'string' },
  'log-max-mb': { type: 'string' },
  'log-files': { type: 'string' },
  'label-window-hours': { type: 'string' },
  'max-batch-rows': { type: 'string' },
  'max-queue-delay-ms': { type: 'string' },
  ...GITHUB_OPTIONS,
} as const;

/** The registry, opened only when a model is named by reference. */
async function registryFor(
  io: CliIO,
  flags: GitHubFlags & { registry?: string | undefined },
  values: (string | undefined)[],
): Promise<RegistryService | undefined> {
  const isReference = (v: string | undefined) =>
    v !== undefined && safeParseModelReference(v).success && !existsSync(resolve(io.cwd, v));
  if (!values.some(isReference)) return undefined;
  return openCliRegistry('serve', io, flags, await cliRunnerContext('serve', io, flags));
}

/** Resolves when the process is asked to stop. */
function stopSignal(onHangup: () => void): Promise<string> {
  return new Promise((done) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', onHangup);
      done(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', onHangup);
  });
}

const command: CliCommand = {
  summary: 'serve prod and a canary over the Open Inference Protocol, with routing, evidence and metrics',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const { flags } = parseCommandLine('serve', argv, OPTIONS, FlagsSchema);
    const registry = await registryFor(io, flags, [flags.model, flags.canary]);
    const say = (line: string) => io.stderr(`mlship serve: ${line}\n`);
    const dataDir = resolve(io.cwd, flags['data-dir']);
    const server = await startServe({
      model: flags.model,
      canary: flags.canary,
      registry,
      cwd: io.cwd,
      name: flags.name,
      task: flags.task,
      port: flags.port,
      host: flags.host,
      canaryWeight: flags['canary-weight'],
      shadow: !flags['no-shadow'],
      dataDir,
      logInputs: flags['log-inputs'],
      logMaxFileBytes: flags['log-max-mb'] * 1024 * 1024,
      logMaxFiles: flags['log-files'],
      labelWindowHours: flags['label-window-hours'],
      maxBatchRows: flags['max-batch-rows'],
      maxQueueDelayMs: flags['max-queue-delay-ms'],
      watchIntervalMs: flags['watch-seconds'] * 1000,
      // From the environment, never argv: a token on the command line shows in ps.
      adminToken: io.env.MLSHIP_SERVE_TOKEN || undefined,
      onEvent: say,
    });
    const s = server.traffic.state();
    const canary = s.canary
      ? `, canary ${s.canary} at ${s.canaryWeight}%${s.shadow ? ' (shadow: both score every request)' : ''}`
      : '';
    // The first stdout line is the address, so scripts and tests can read the port (--port 0).
    io.stdout(`${server.url}\n`);
    say(
      `${s.model}: prod ${s.prod}${canary}; Open Inference Protocol on ${server.url}/v2, metrics on ${server.url}/metrics, logs and profiles in ${dataDir}`,
    );
    const signal = await stopSignal(() => void server.reload());
    say(`${signal}: finishing requests in flight, then stopping`);
    await server.close();
    return 0;
  },
};

export default command;
