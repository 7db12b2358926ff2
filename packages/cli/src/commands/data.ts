// mlship data test|profile|infer|drift|merge: the data-test action's library
// calls from a terminal.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import {
  FailOnSchema,
  compareProfiles,
  exactKsStatistics,
  inferExpectations,
  loadReference,
  mergeProfiles,
  readDriftOptions,
  parseExpectations,
  profileData,
  readProfileFile,
  runDataTest,
  type DriftReport,
} from '@mlship/data';
import { checkOutputFile, writeOutputFile } from '@mlship/output-files';
import { fetchRegistryAsset, isModelReference } from '@mlship/registry';
import type { CliCommand, CliIO } from '../command.ts';
import { parseCommandLine, usageError } from '../flags.ts';
import { cliRunnerContext, GITHUB_OPTIONS, openCliRegistry } from '../runner.ts';

const USAGE = `usage: mlship data test DATA [--expectations FILE] [--reference PROFILE|NAME@STAGE] [--drift-config FILE]
                        [--fail-on error|warn|never] [--output-dir DIR] [--json]
       mlship data profile DATA [--reference PROFILE] [--output FILE] [--json]
       mlship data infer DATA [--output FILE] [--max-domain N] [--json]
       mlship data drift DATA|--profile PROFILE --reference PROFILE [--drift-config FILE] [--json]
       mlship data merge PROFILE... --output FILE [--json]
DATA is a .csv, .jsonl, .json or .parquet file, or a glob of them. --reference is a profile, the reference
data itself (numeric drift tests are then exact), or NAME@STAGE (e.g. churn@prod): the data profile published with
that model version, from --registry DIR|local:DIR|github:OWNER/REPO (default $MLSHIP_REGISTRY, else
local:.mlship/registry); a github: registry's token comes from GITHUB_TOKEN or GH_TOKEN, or from stdin with --token-stdin.`;

const OUTPUT = { what: '--output' };

const OPTIONS = {
  expectations: { type: 'string' },
  reference: { type: 'string' },
  registry: { type: 'string' },
  ...GITHUB_OPTIONS,
  'drift-config': { type: 'string' },
  'fail-on': { type: 'string' },
  'output-dir': { type: 'string' },
  output: { type: 'string' },
  profile: { type: 'string' },
  'max-domain': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const FlagsSchema = z.object({
  expectations: z.string().optional(),
  reference: z.string().optional(),
  registry: z.string().optional(),
  'api-url': z.url().optional(),
  'token-stdin': z.boolean().optional(),
  token: z.string().optional(),
  'token-env': z.string().optional(),
  'drift-config': z.string().optional(),
  'fail-on': FailOnSchema.default('error'),
  'output-dir': z.string().default('mlship-data'),
  output: z.string().optional(),
  profile: z.string().optional(),
  'max-domain': z.coerce.number().int().positive().optional(),
  json: z.boolean().default(false),
});
type Flags = z.infer<typeof FlagsSchema>;

function parse(argv: string[]): { sub: string; positionals: string[]; flags: Flags } {
  const {
    flags,
    positionals: [sub = '', ...positionals],
  } = parseCommandLine('data', argv, OPTIONS, FlagsSchema);
  return { sub, positionals, flags };
}

function one(sub: string, positionals: string[]): string {
  if (positionals.length !== 1)
    throw usageError(`data ${sub}`, `give exactly one DATA path or quoted glob (got ${positionals.length})`);
  return positionals[0]!;
}

async function writeOrPrint(io: CliIO, path: string | undefined, text: string): Promise<void> {
  if (path) await writeOutputFile(resolve(io.cwd, path), text, OUTPUT);
  else io.stdout(text);
}

function driftLines(drift: DriftReport): string {
  const lines = [
    `drift: ${drift.driftedCount} of ${drift.comparedCount} columns drifted${drift.datasetDrift ? ' — the data set drifted' : ''}`,
  ];
  for (const c of drift.columns) {
    if (c.skipped !== null && !c.drifted) lines.push(`  ${c.column.padEnd(24)} not compared: ${c.skipped}`);
    else if (c.skipped !== null) lines.push(`  ${c.column.padEnd(24)} DRIFTED: ${c.skipped}`);
    else
      lines.push(
        `  ${c.column.padEnd(24)} ${c.drifted ? 'DRIFTED' : 'stable '} ${c.method} ${c.effect.toPrecision(3)} (threshold ${c.threshold}), q ${c.qValue.toPrecision(2)}`,
      );
  }
  for (const f of drift.warnings) lines.push(`  finding: ${f}`);
  for (const f of drift.findings.filter((x) => !drift.warnings.includes(x))) lines.push(`  note: ${f}`);
  return `${lines.join('\n')}\n`;
}

/** A profile file, or the data-profile asset of a registry version (churn@prod). */
async function referenceProfile(reference: string, flags: Flags, io: CliIO): Promise<{ path: string; label: string }> {
  const path = resolve(io.cwd, reference);
  if (existsSync(path) || !isModelReference(reference)) return { path, label: reference };
  const context = await cliRunnerContext('data', io, flags);
  const registry = await openCliRegistry('data', io, flags, context);
  const fetched = await fetchRegistryAsset(registry, reference, 'data-profile');
  return { path: fetched.path, label: `${fetched.tag} (${reference})` };
}

const command: CliCommand = {
  summary: 'data tests, profiles, schema inference and drift (test|profile|infer|drift|merge)',
  async run(argv, io) {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return argv.length === 0 ? 2 : 0;
    }
    const { sub, positionals, flags } = parse(argv);
    const at = (p: string) => resolve(io.cwd, p);
    // A wrong --output fails before the data is read, not after.
    if (flags.output) await checkOutputFile(at(flags.output), OUTPUT);
    const referenced = flags.reference === undefined ? undefined : await referenceProfile(flags.reference, flags, io);
    // `data test` reads its reference itself.
    const reference = referenced && sub !== 'test' ? await loadReference(referenced.path) : undefined;
    switch (sub) {
      case 'test': {
        const result = await runDataTest({
          data: at(one(sub, positionals)),
          expectations: flags.expectations && at(flags.expectations),
          referenceProfile: referenced?.path,
          referenceLabel: referenced?.label,
          driftConfig: flags['drift-config'] && at(flags['drift-config']),
          failOn: flags['fail-on'],
          outputDir: at(flags['output-dir']),
        });
        if (flags.json) {
          const { section: _section, ...rest } = result;
          io.stdout(`${JSON.stringify(rest, null, 2)}\n`);
        } else {
          io.stdout(`mlship data test: ${result.outcome.toUpperCase()} — ${result.rowCount} rows\n`);
          for (const c of result.expectations?.checks.filter((x) => !x.passed) ?? []) {
            io.stdout(
              `  ${c.severity.padEnd(5)} ${c.id}${c.line ? ` (line ${c.line})` : ''}: expected ${c.expected}; ${c.observed}${c.samples.length ? `; e.g. ${c.samples.join(', ')}` : ''}\n`,
            );
          }
          if (result.drift) io.stdout(driftLines(result.drift));
          io.stdout(`report: ${result.markdownPath}\nprofile: ${result.profilePath}\n`);
        }
        return result.failed ? 1 : 0;
      }
      case 'profile': {
        const { profile } = await profileData(at(one(sub, positionals)), { reference: reference?.profile });
        const text = `${JSON.stringify(profile, null, flags.json || !flags.output ? 2 : undefined)}\n`;
        await writeOrPrint(io, flags.output, text);
        if (flags.output && !flags.json)
          io.stdout(
            `mlship data profile: ${profile.rowCount} rows, ${profile.columns.length} columns -> ${flags.output}\n`,
          );
        return 0;
      }
      case 'infer': {
        const data = one(sub, positionals);
        const { profile } = await profileData(at(data));
        const yaml = inferExpectations(profile, {
          source: data,
          ...(flags['max-domain'] ? { maxDomainSize: flags['max-domain'] } : {}),
        });
        await writeOrPrint(
          io,
          flags.output,
          flags.json ? `${JSON.stringify(parseExpectations(yaml, 'inferred').expectations, null, 2)}\n` : yaml,
        );
        if (flags.output && !flags.json)
          io.stdout(
            `mlship data infer: expectations for ${profile.columns.length} columns -> ${flags.output}; review them before committing\n`,
          );
        return 0;
      }
      case 'drift': {
        if (!reference) throw usageError('data drift', '--reference PROFILE is required');
        const options = flags['drift-config']
          ? await readDriftOptions(at(flags['drift-config']), flags['drift-config'])
          : {};
        let drift: DriftReport;
        if (flags.profile) {
          drift = compareProfiles(reference.profile, await readProfileFile(at(flags.profile)), options);
        } else {
          const current = await profileData(at(one(sub, positionals)), { reference: reference.profile });
          drift = compareProfiles(
            reference.profile,
            current.profile,
            options,
            await exactKsStatistics(reference, current),
          );
        }
        io.stdout(flags.json ? `${JSON.stringify(drift, null, 2)}\n` : driftLines(drift));
        return drift.datasetDrift ? 1 : 0;
      }
      case 'merge': {
        if (positionals.length === 0) throw usageError('data merge', 'give the shard profiles to merge');
        if (!flags.output) throw usageError('data merge', '--output FILE is required');
        const merged = mergeProfiles(await Promise.all(positionals.map((p) => readProfileFile(at(p)))), positionals);
        await writeOutputFile(at(flags.output), `${JSON.stringify(merged)}\n`, OUTPUT);
        io.stdout(
          flags.json
            ? `${JSON.stringify({ rowCount: merged.rowCount, output: flags.output })}\n`
            : `mlship data merge: ${positionals.length} profiles, ${merged.rowCount} rows -> ${flags.output}\n`,
        );
        return 0;
      }
      default:
        throw usageError('data', `unknown subcommand '${sub}'; use test, profile, infer, drift or merge`);
    }
  },
};

export default command;
