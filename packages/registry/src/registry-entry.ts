// Wiring for entry points (the action and the CLI): builds the store and the
// registry from a token, the environment and the stage policy file.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubClient } from '@mlship/github';
import { InputError } from '@mlship/errors';
import { GitHubStore } from './github-store.ts';
import { LocalStore } from './local-store.ts';
import type { AssetRole } from './manifest.ts';
import { RegistryService, type RegistryContext } from './registry-service.ts';
import { loadStagePolicy, type CommandContext } from './registry-command.ts';
import { safeParseModelReference } from './model-reference.ts';

export interface OpenRegistryOptions {
  /** `local:<dir>` or `github:<owner>/<repo>`. */
  location: string;
  cwd: string;
  env: Record<string, string | undefined>;
  token?: string | undefined;
  actor: string;
  policy?: string | undefined;
  readSignature?: RegistryContext['readSignature'];
  /** The commit a local publish records when none is given. */
  localCommit?: () => Promise<string>;
}

export async function openRegistry(options: OpenRegistryOptions): Promise<RegistryService> {
  const stagePolicy = await loadStagePolicy(options.policy, options.cwd);
  const ctx: RegistryContext = {
    actor: options.actor,
    ...(stagePolicy ? { stagePolicy } : {}),
    ...(options.readSignature ? { readSignature: options.readSignature } : {}),
  };
  if (options.location.startsWith('local:')) {
    const dir = options.location.slice('local:'.length);
    return new RegistryService(
      new LocalStore(
        dir.startsWith('/') ? dir : `${options.cwd}/${dir}`,
        options.localCommit ? { defaultCommit: options.localCommit } : {},
      ),
      ctx,
    );
  }
  const match = /^github:([^/\s]+)\/([^/\s]+)$/.exec(options.location);
  if (!match) throw new InputError(`registry '${options.location}' must be local:<dir> or github:<owner>/<repo>`);
  if (!options.token)
    throw new InputError(`a token is required for the GitHub registry: pass token (GITHUB_TOKEN with contents: write)`);
  const client = createGitHubClient({
    token: options.token,
    ...(options.env.GITHUB_API_URL ? { baseUrl: options.env.GITHUB_API_URL } : {}),
  });
  return new RegistryService(new GitHubStore({ client, owner: match[1]!, repo: match[2]! }), ctx);
}

/** Provenance of a run on GitHub Actions, for the manifest. */
export function commandContextFromEnv(env: Record<string, string | undefined>, cwd: string): CommandContext {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const pullRequest = pullRequestOfEvent(env.GITHUB_EVENT_PATH);
  return {
    cwd,
    // On pull_request events GITHUB_SHA is GitHub's temporary merge commit, which
    // no branch keeps; the version must point at the PR's head commit.
    commit: pullRequest?.headSha ?? env.GITHUB_SHA,
    repository: env.GITHUB_REPOSITORY,
    pullRequest: pullRequest?.number,
    workflowRunUrl:
      env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
    operationId: runOperationId(env),
  };
}

/**
 * The workflow run, job and step: what a re-run of a failed job keeps (a re-run
 * is a new GITHUB_RUN_ATTEMPT of the same run), so its stage changes are not
 * made twice. GITHUB_ACTION names the step, numbered when one action or script
 * runs twice in a job, so two rollback steps stay two rollbacks.
 */
export function runOperationId(env: Record<string, string | undefined>): string | undefined {
  if (!env.GITHUB_RUN_ID) return undefined;
  return `run ${env.GITHUB_RUN_ID} job ${env.GITHUB_JOB || '-'} step ${env.GITHUB_ACTION || '-'}`;
}

function pullRequestOfEvent(
  eventPath: string | undefined,
): { number: number; headSha: string | undefined } | undefined {
  if (!eventPath) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as {
      pull_request?: { number?: unknown; head?: { sha?: unknown } };
    };
    const pr = event.pull_request;
    if (typeof pr?.number !== 'number') return undefined;
    return { number: pr.number, headSha: typeof pr.head?.sha === 'string' ? pr.head.sha : undefined };
  } catch {
    return undefined;
  }
}

/** Whether an action input or flag names a registry version (churn@prod) rather than a file. */
export function isModelReference(text: string): boolean {
  return safeParseModelReference(text).success && !existsSync(text);
}

/**
 * Downloads the asset of one role (the model, the data profile...) of a
 * registry version into a fresh temporary directory, checksum-verified: what
 * the validate and data-test steps use to compare against production.
 */
export async function fetchRegistryAsset(
  options: OpenRegistryOptions,
  reference: string,
  role: AssetRole,
): Promise<{ path: string; tag: string }> {
  // A bare directory is the local registry, as in the CLI's --registry DIR.
  const location = /^(local|github):/.test(options.location) ? options.location : `local:${options.location}`;
  const registry = await openRegistry({ ...options, location });
  const dir = await mkdtemp(join(tmpdir(), `mlship-${role}-`));
  try {
    const { resolved, files } = await registry.download(reference, dir, { role });
    return { path: files[0]!, tag: resolved.tag };
  } catch (error) {
    // A reference that does not resolve leaves no empty download directory behind.
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
