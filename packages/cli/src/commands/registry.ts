// mlship registry: the registry action's commands from a terminal, against a
// local directory (default .mlship/registry) or a GitHub repository.
import { parseArgs } from 'node:util';
import { readOnnxSignature } from '@mlship/onnx';
import { commandContext, parseModelReference, runRegistryCommand, type RegistryInputs } from '@mlship/registry';
import { usageError } from '../flags.ts';
import { cliRunnerContext, GITHUB_OPTIONS, openCliRegistry } from '../runner.ts';
import type { CliCommand } from '../command.ts';

const USAGE = `usage: mlship registry <command> [options]
  publish NAME FILE... (--version vX.Y.Z | --bump patch|minor|major) [--card F] [--metrics F]
          [--data-profile F] [--calibration F] [--params F] [--dataset ID=PATH]... [--lineage F] [--parent-version V] [--commit SHA]
  resolve NAME@STAGE|NAME@vX.Y.Z|NAME@latest
  download NAME@REF [--output DIR] [--asset NAME]...
  promote NAME VERSION STAGE [--message M] [--operation-id ID]
  rollback NAME STAGE [--message M] [--operation-id ID]
  deprecate NAME [VERSION] [--message M] [--operation-id ID]
  history NAME
  list [NAME]
options: --registry DIR|local:DIR|github:OWNER/REPO (default $MLSHIP_REGISTRY, else local:.mlship/registry)
         --api-url URL  --token-stdin  --policy FILE  --actor LOGIN  --json
A github: registry's token comes from GITHUB_TOKEN or GH_TOKEN, or from stdin with --token-stdin.`;

const OPTIONS = {
  version: { type: 'string' },
  bump: { type: 'string' },
  card: { type: 'string' },
  metrics: { type: 'string' },
  'data-profile': { type: 'string' },
  calibration: { type: 'string' },
  params: { type: 'string' },
  dataset: { type: 'string', multiple: true },
  lineage: { type: 'string' },
  'parent-version': { type: 'string' },
  commit: { type: 'string' },
  output: { type: 'string' },
  asset: { type: 'string', multiple: true },
  message: { type: 'string' },
  'operation-id': { type: 'string' },
  registry: { type: 'string' },
  ...GITHUB_OPTIONS,
  policy: { type: 'string' },
  actor: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** The shared command's inputs from positionals and flags. */
function toInputs(sub: string, args: string[], flags: Flags): RegistryInputs {
  const at = (i: number, what: string) =>
    args[i] ??
    (() => {
      throw usageError('registry', `${sub} needs ${what}`);
    })();
  const common = {
    ...(flags.message ? { message: flags.message } : {}),
    ...(flags['operation-id'] ? { operationId: flags['operation-id'] } : {}),
  };
  switch (sub) {
    case 'publish': {
      if (args.length < 2) throw usageError('registry', 'publish needs NAME and at least one model FILE');
      return {
        command: 'publish',
        name: args[0],
        files: args.slice(1).join('\n'),
        ...(flags.version ? { version: flags.version } : {}),
        ...(flags.bump ? { bump: flags.bump as 'patch' } : {}),
        ...(flags.card ? { card: flags.card } : {}),
        ...(flags.metrics ? { metrics: flags.metrics } : {}),
        ...(flags['data-profile'] ? { dataProfile: flags['data-profile'] } : {}),
        ...(flags.calibration ? { calibration: flags.calibration } : {}),
        ...(flags.params ? { params: flags.params } : {}),
        ...(flags.dataset?.length ? { datasets: flags.dataset.join('\n') } : {}),
        ...(flags.lineage ? { lineage: flags.lineage } : {}),
        ...(flags['parent-version'] ? { parentVersion: flags['parent-version'] } : {}),
      };
    }
    case 'resolve':
    case 'download': {
      const ref = parseModelReference(at(0, 'NAME@REF (e.g. churn@prod)'));
      return {
        command: sub,
        name: ref.name,
        ...(ref.kind === 'stage' ? { stage: ref.stage } : ref.kind === 'version' ? { version: ref.version } : {}),
        ...(flags.output ? { path: flags.output } : {}),
        ...(flags.asset?.length ? { files: flags.asset.join('\n') } : {}),
      };
    }
    case 'promote':
      return { command: 'promote', name: at(0, 'NAME'), version: at(1, 'VERSION'), stage: at(2, 'STAGE'), ...common };
    case 'rollback':
      return { command: 'rollback', name: at(0, 'NAME'), stage: at(1, 'STAGE'), ...common };
    case 'deprecate':
      return { command: 'deprecate', name: at(0, 'NAME'), ...(args[1] ? { version: args[1] } : {}), ...common };
    case 'history':
      return { command: 'history', name: at(0, 'NAME') };
    case 'list':
      return { command: 'list', ...(args[0] ? { name: args[0] } : {}) };
    default:
      throw usageError('registry', `unknown command '${sub}'`);
  }
}

const JSON_OUTPUTS = new Set(['manifest', 'history', 'models']);

const command: CliCommand = {
  summary: 'model registry on GitHub Releases or a directory: publish, promote, resolve, download, history',
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (!sub || sub === '--help' || sub === '-h') {
      io.stdout(`${USAGE}\n`);
      return sub ? 0 : 2;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
    } catch (error) {
      throw usageError('registry', (error as Error).message);
    }
    const flags = parsed.values;
    const inputs = toInputs(sub, parsed.positionals, flags);
    if (inputs.bump && !['patch', 'minor', 'major'].includes(inputs.bump))
      throw usageError('registry', `--bump must be patch, minor or major, not '${inputs.bump}'`);
    const context = await cliRunnerContext('registry', io, flags);
    const registry = await openCliRegistry('registry', io, flags, context, {
      actor: flags.actor,
      policy: flags.policy,
      readSignature: readOnnxSignature,
    });
    const provenance = commandContext(context);
    const result = await runRegistryCommand(inputs, registry, {
      ...provenance,
      commit: flags.commit ?? provenance.commit,
    });
    if (flags.json) {
      const json: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(result.outputs)) {
        if (value !== undefined) json[key] = JSON_OUTPUTS.has(key) ? JSON.parse(value) : value;
      }
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      io.stdout(`${result.text}\n`);
    }
    return 0;
  },
};

export default command;
