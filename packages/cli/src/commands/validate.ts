// mlship validate: is the candidate at least as good as production? The same
// library call the validate action makes, from a terminal.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { fetchRegistryAsset, safeParseModelReference } from '@mlship/registry';
import { validate } from '@mlship/validate';
import { parseCommandLine } from '../flags.ts';
import { cliRunnerContext, GITHUB_OPTIONS, openCliRegistry } from '../runner.ts';
import type { CliCommand } from '../command.ts';

const USAGE = `usage: mlship validate --candidate model.onnx --baseline prod.onnx|NAME@prod --data holdout.csv
                       [--label COLUMN] [--task classification|regression] [--policy policy.yml]
                       [--output-dir DIR] [--registry DIR|local:DIR|github:OWNER/REPO] [--api-url URL]
                       [--token-stdin] [--json]
A baseline NAME@STAGE resolves in --registry (default $MLSHIP_REGISTRY, else local:.mlship/registry); a github:
registry's token comes from GITHUB_TOKEN or GH_TOKEN, or from stdin with --token-stdin.`;

const FlagsSchema = z.object({
  candidate: z.string({ error: 'is required' }),
  baseline: z.string({ error: 'is required' }),
  data: z.string({ error: 'is required' }),
  label: z.string().optional(),
  task: z.enum(['classification', 'regression']).optional(),
  policy: z.string().optional(),
  'output-dir': z.string().default('mlship-validate'),
  registry: z.string().optional(),
  'api-url': z.url().optional(),
  'token-stdin': z.boolean().optional(),
  token: z.string().optional(),
  'token-env': z.string().optional(),
  json: z.boolean().default(false),
});

const OPTIONS = {
  candidate: { type: 'string' },
  baseline: { type: 'string' },
  data: { type: 'string' },
  label: { type: 'string' },
  task: { type: 'string' },
  policy: { type: 'string' },
  'output-dir': { type: 'string' },
  registry: { type: 'string' },
  ...GITHUB_OPTIONS,
  json: { type: 'boolean' },
} as const;

function parseFlags(argv: string[]) {
  return parseCommandLine('validate', argv, OPTIONS, FlagsSchema).flags;
}

const command: CliCommand = {
  summary: 'validate a candidate ONNX model against the production baseline',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const flags = parseFlags(argv);
    const at = (p: string | undefined) => (p === undefined ? undefined : resolve(io.cwd, p));
    const isReference = (text: string) => safeParseModelReference(text).success && !existsSync(at(text)!);
    const outcome = await validate(
      {
        candidate: at(flags.candidate)!,
        // A registry reference is not a path; resolve() would turn it into one.
        baseline: isReference(flags.baseline) ? flags.baseline : at(flags.baseline)!,
        data: at(flags.data)!,
        outputDir: at(flags['output-dir'])!,
        ...(flags.task ? { task: flags.task } : {}),
        ...(flags.label ? { label: flags.label } : {}),
        ...(flags.policy ? { policy: at(flags.policy)! } : {}),
      },
      {
        // A baseline named by reference (penguins@prod): the registry's answer to what serves users today.
        resolveModel: async (reference) => {
          const context = await cliRunnerContext('validate', io, flags);
          const registry = await openCliRegistry('validate', io, flags, context);
          const { path, tag } = await fetchRegistryAsset(registry, reference, 'model');
          return { path, version: tag };
        },
      },
    );
    const { result, paths } = outcome;
    if (flags.json) {
      io.stdout(`${JSON.stringify({ ...result, outputs: paths }, null, 2)}\n`);
    } else {
      io.stdout(
        result.firstVersion
          ? `mlship validate: ${result.verdict.toUpperCase()} (first version: no ${result.baseline.source} yet, judged on the policy's floors, budgets and sanity checks) — ${result.candidate.source} on ${result.data.rows} rows\n`
          : `mlship validate: ${result.verdict.toUpperCase()} — ${result.candidate.source} vs ${result.baseline.source} on ${result.data.rows} rows\n`,
      );
      if (result.firstVersion) io.stdout(`  the registry: ${result.firstVersion.reason}\n`);
      for (const g of result.gates.filter((x) => x.verdict !== 'pass'))
        io.stdout(`  ${g.verdict.padEnd(12)} ${g.gate}${g.scope === 'all rows' ? '' : ` [${g.scope}]`}: ${g.reason}\n`);
      io.stdout(
        `  ${result.gates.filter((x) => x.verdict === 'pass').length} of ${result.gates.length} gates passed\n`,
      );
      io.stdout(`  report: ${paths.report}\n  model card: ${paths.modelCard}\n  result: ${paths.result}\n`);
    }
    return result.verdict === 'fail' ? 1 : 0;
  },
};

export default command;
