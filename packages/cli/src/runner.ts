// What a CLI command reads and builds once, like an action's entry: the same
// runner context type (from flags, git and the environment) and the one GitHub
// client, with its token from the environment or stdin, never from argv.
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { createGitHubClient, type GitHubClient } from '@mlship/github';
import {
  DEFAULT_LOCAL_REGISTRY,
  openRegistry,
  parseRegistryLocation,
  type OpenRegistryOptions,
  type RegistryLocation,
  type RegistryService,
} from '@mlship/registry';
import { REPOSITORY_PATTERN, runnerContextFromEnv, type RunnerContext } from '@mlship/runner-context';
import type { CliIO } from './command.ts';
import { usageError } from './flags.ts';

/** The flags every command that talks to GitHub takes (parseArgs options). */
export const GITHUB_OPTIONS = {
  'api-url': { type: 'string' },
  'token-stdin': { type: 'boolean' },
  // Accepted only to refuse them with the way to migrate.
  token: { type: 'string' },
  'token-env': { type: 'string' },
} as const;

export interface GitHubFlags {
  'api-url'?: string | undefined;
  'token-stdin'?: boolean | undefined;
  token?: string | undefined;
  'token-env'?: string | undefined;
}

export const TOKEN_HINT = 'set GITHUB_TOKEN or GH_TOKEN, or pipe it to --token-stdin';

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10_000 }, (error, stdout) => resolve(error ? undefined : stdout.trim()));
  });
}

/**
 * The runner context of a CLI run: inside a workflow step the runner's (with
 * --repo and --api-url on top); in a terminal, the checkout's commit and
 * branch from git and the login as actor. Paths resolve against the working
 * directory either way.
 */
export async function cliRunnerContext(
  command: string,
  io: CliIO,
  flags: { repo?: string | undefined; 'api-url'?: string | undefined },
): Promise<RunnerContext> {
  if (flags.repo !== undefined && !REPOSITORY_PATTERN.test(flags.repo))
    throw usageError(command, `--repo '${flags.repo}' is not owner/name`);
  const env = { ...io.env };
  if (flags.repo !== undefined) env.GITHUB_REPOSITORY = flags.repo;
  if (flags['api-url'] !== undefined) {
    env.GITHUB_API_URL = flags['api-url'];
    // Derived from --api-url instead, so both always name one server.
    delete env.GITHUB_GRAPHQL_URL;
  }
  const context = await runnerContextFromEnv(env, {
    cwd: io.cwd,
    sources: { GITHUB_REPOSITORY: '--repo', GITHUB_API_URL: flags['api-url'] === undefined ? undefined : '--api-url' },
  });
  const branch = context.ref ? undefined : await git(io.cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return {
    ...context,
    workspace: io.cwd,
    sha: context.sha ?? (await git(io.cwd, ['rev-parse', '--verify', '--quiet', 'HEAD'])),
    ref: context.ref ?? (branch ? `refs/heads/${branch}` : undefined),
    actor: context.actor ?? userInfo().username,
  };
}

/**
 * The token, from GITHUB_TOKEN or GH_TOKEN (gh's name), or from stdin with
 * --token-stdin; a token on the command line would be visible to every user
 * of the machine (ps) and kept in shell history, so --token is refused.
 */
export async function readToken(
  command: string,
  io: CliIO,
  flags: GitHubFlags,
): Promise<{ token: string; source: string } | undefined> {
  if (flags.token !== undefined)
    throw usageError(
      command,
      `--token is not accepted (a token on the command line is visible in ps and shell history); ${TOKEN_HINT}`,
    );
  if (flags['token-env'] !== undefined)
    throw usageError(command, `--token-env is gone; ${TOKEN_HINT} (e.g. GITHUB_TOKEN=$${flags['token-env']})`);
  if (flags['token-stdin']) {
    const token = ((await io.readStdin?.()) ?? '').trim();
    if (!token) throw usageError(command, '--token-stdin read no token from stdin; pipe one in (e.g. gh auth token |)');
    return { token, source: 'the token read from stdin (--token-stdin)' };
  }
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN'] as const) {
    const token = io.env[name]?.trim();
    if (token) return { token, source: name };
  }
  return undefined;
}

/** The one GitHub client of a CLI run; rate-limit waits are said on stderr. */
export function cliGitHubClient(
  context: RunnerContext,
  token: { token: string; source: string },
  io: CliIO,
): GitHubClient {
  return createGitHubClient({
    token: token.token,
    baseUrl: context.apiUrl,
    graphqlUrl: context.graphqlUrl,
    tokenSource: token.source,
    log: (line) => io.stderr(`mlship: ${line}\n`),
  });
}

/** A warning the run goes on after: an annotation inside a workflow step, a stderr line in a terminal. */
export function cliWarning(io: CliIO, context: RunnerContext): (message: string) => void {
  return (message) => {
    // Workflow commands escape %, CR and LF in messages.
    if (context.inActions)
      io.stdout(`::warning::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
    else io.stderr(`mlship: warning: ${message}\n`);
  };
}

/**
 * Where a command's registry is: --registry, else MLSHIP_REGISTRY, else the
 * local default every command shares (DEFAULT_LOCAL_REGISTRY).
 */
export function cliRegistryLocation(flag: string | undefined, io: CliIO): RegistryLocation {
  if (flag !== undefined) return parseRegistryLocation(flag, '--registry');
  if (io.env.MLSHIP_REGISTRY) return parseRegistryLocation(io.env.MLSHIP_REGISTRY, 'MLSHIP_REGISTRY');
  return parseRegistryLocation(DEFAULT_LOCAL_REGISTRY);
}

/** Opens the command's registry, with the run's GitHub client when it is on GitHub. */
export async function openCliRegistry(
  command: string,
  io: CliIO,
  flags: GitHubFlags & { registry?: string | undefined },
  context: RunnerContext,
  options: Pick<OpenRegistryOptions, 'policy' | 'readSignature' | 'localCommit'> & { actor?: string | undefined } = {},
): Promise<RegistryService> {
  const location = cliRegistryLocation(flags.registry, io);
  const token = await readToken(command, io, flags);
  return openRegistry({
    ...options,
    location,
    cwd: io.cwd,
    client: location.kind === 'github' && token ? cliGitHubClient(context, token, io) : undefined,
    tokenHint: TOKEN_HINT,
    actor: options.actor ?? context.actor ?? 'mlship',
  });
}
