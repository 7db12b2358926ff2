// mlship report: post a markdown report as a sticky comment, the same way the
// report action does (postReport), from a terminal or any CI system.
import { resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { createReportDeps, postReport, ReportKeySchema, TargetInputSchema } from '@mlship/pr-comment';
import { parseCommandLine, usageError } from '../flags.ts';
import { cliGitHubClient, cliRunnerContext, cliWarning, GITHUB_OPTIONS, readToken, TOKEN_HINT } from '../runner.ts';
import type { CliCommand } from '../command.ts';

const USAGE = `usage: mlship report <file.md> [--repo owner/name] [--target auto|pr|pr/N|commit|commit/SHA|issue/N]
                     [--key KEY] [--api-url URL] [--token-stdin] [--dry-run] [--json]
The token comes from GITHUB_TOKEN or GH_TOKEN, or from stdin with --token-stdin.`;

const FlagsSchema = z.object({
  repo: z.string().optional(),
  target: TargetInputSchema.optional(),
  key: ReportKeySchema.optional(),
  'api-url': z.url().optional(),
  'token-stdin': z.boolean().optional(),
  token: z.string().optional(),
  'token-env': z.string().optional(),
  'dry-run': z.boolean().default(false),
  json: z.boolean().default(false),
});

const OPTIONS = {
  repo: { type: 'string' },
  target: { type: 'string' },
  key: { type: 'string' },
  ...GITHUB_OPTIONS,
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
    const token = await readToken('report', io, flags);
    const context = await cliRunnerContext('report', io, flags);
    const target = flags.target ?? (context.eventName ? 'auto' : undefined);
    if (!target)
      throw new InputError('mlship report: --target is required outside GitHub Actions (pr/N, issue/N or commit/SHA)');
    if (!token && !flags['dry-run'])
      throw new InputError(`mlship report: no token to write the comment with; ${TOKEN_HINT}`);
    // A dry run writes nothing, so any token (or none) will do.
    const client = cliGitHubClient(context, token ?? { token: '', source: 'no token' }, io);
    const deps = createReportDeps({ client, context, warn: cliWarning(io, context) });
    // Outside Actions there is no workflow/job to name the default key after.
    const key = flags.key ?? (context.workflow ? undefined : ReportKeySchema.parse('mlship'));
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
