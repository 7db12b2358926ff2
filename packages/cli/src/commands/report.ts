// mlship report: post a markdown report as a sticky comment, the same way the
// report action does (postReport), from a terminal or any CI system.
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { createReportDeps, postReport, ReportKeySchema, TargetInputSchema } from '@mlship/pr-comment';
import { parseCommandLine, usageError } from '../flags.ts';
import type { CliCommand } from '../command.ts';

const USAGE = `usage: mlship report <file.md> [--repo owner/name] [--target auto|pr|pr/N|commit|commit/SHA|issue/N]
                     [--key KEY] [--api-url URL] [--token-env NAME] [--dry-run] [--json]`;

const FlagsSchema = z.object({
  repo: z.string().optional(),
  target: TargetInputSchema.optional(),
  key: ReportKeySchema.optional(),
  'api-url': z.url().optional(),
  'token-env': z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
    .default('GITHUB_TOKEN'),
  'dry-run': z.boolean().default(false),
  json: z.boolean().default(false),
});

const OPTIONS = {
  repo: { type: 'string' },
  target: { type: 'string' },
  key: { type: 'string' },
  'api-url': { type: 'string' },
  'token-env': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function parseFlags(argv: string[]) {
  const { flags, positionals } = parseCommandLine('report', argv, OPTIONS, FlagsSchema);
  if (positionals.length !== 1) throw usageError('report', 'give exactly one report file');
  return { file: positionals[0]!, ...flags };
}

const command: CliCommand = {
  summary: 'post a markdown report as a sticky PR/commit/issue comment',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const flags = parseFlags(argv);
    const inActions = Boolean(io.env.GITHUB_EVENT_NAME);
    const target = flags.target ?? (inActions ? 'auto' : undefined);
    if (!target)
      throw new InputError('mlship report: --target is required outside GitHub Actions (pr/N, issue/N or commit/SHA)');
    const token = io.env[flags['token-env']] ?? '';
    if (!token && !flags['dry-run'])
      throw new InputError(
        `mlship report: set ${flags['token-env']} to a token that can write comments (or pass --token-env NAME)`,
      );

    const deps = await createReportDeps({ token, env: io.env, repo: flags.repo, apiUrl: flags['api-url'] });
    // Outside Actions there is no workflow/job to name the default key after.
    const key = flags.key ?? (io.env.GITHUB_WORKFLOW ? undefined : ReportKeySchema.parse('mlship'));
    const result = await postReport(
      { reportPath: resolve(io.cwd, flags.file), target, key, dryRun: flags['dry-run'] },
      deps,
    );

    if (flags.json) {
      const { body, ...rest } = result;
      io.stdout(`${JSON.stringify(flags['dry-run'] ? result : rest, null, 2)}\n`);
    } else if (flags['dry-run']) {
      io.stdout(
        `would post to ${result.where} (key '${result.key}', ${result.body.length} characters${result.truncated ? ', truncated' : ''}):\n\n${result.body}\n`,
      );
    } else {
      io.stdout(
        `${result.action} comment ${result.commentId} on ${result.where}${result.truncated ? ' (truncated; full report in the job summary)' : ''}\n${result.commentUrl ?? ''}\n`,
      );
    }
    return 0;
  },
};

export default command;
