// Wiring for entry points (the action and the CLI): builds the store and the
// registry from a location, the entry's GitHub client and the stage policy file.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { GitHubClient } from '@mlship/github';
import { InputError } from '@mlship/errors';
import { requireRepo, sourceCommit, type RunnerContext } from '@mlship/runner-context';
import { GitHubStore } from './github-store.ts';
import { LocalStore } from './local-store.ts';
import type { AssetRole } from './manifest.ts';
import { RegistryService, type RegistryContext } from './registry-service.ts';
import { loadStagePolicy, type CommandContext } from './registry-command.ts';
import { parseModelReference, safeParseModelReference } from './model-reference.ts';
import { NoVersionYetError } from './registry-errors.ts';
import { formatRegistryLocation, parseRegistryLocation, type RegistryLocation } from './registry-location.ts';

export interface OpenRegistryOptions {
  /** `local:<dir>`, a directory, or `github:<owner>/<repo>` (see parseRegistryLocation). */
  location: string | RegistryLocation;
  /** Relative directories and the policy file resolve here. */
  cwd: string;
  /** The entry's one GitHub client; a github: location needs it. */
  client?: GitHubClient | undefined;
  /** How to give a token, said when a github: location has no client. */
  tokenHint?: string | undefined;
  actor: string;
  policy?: string | undefined;
  readSignature?: RegistryContext['readSignature'];
  /** The commit a local publish records when none is given. */
  localCommit?: () => Promise<string>;
}

export async function openRegistry(options: OpenRegistryOptions): Promise<RegistryService> {
  const location = typeof options.location === 'string' ? parseRegistryLocation(options.location) : options.location;
  const stagePolicy = await loadStagePolicy(options.policy, options.cwd);
  const ctx: RegistryContext = {
    actor: options.actor,
    ...(stagePolicy ? { stagePolicy } : {}),
    ...(options.readSignature ? { readSignature: options.readSignature } : {}),
  };
  if (location.kind === 'local') {
    return new RegistryService(
      new LocalStore(
        isAbsolute(location.dir) ? location.dir : join(options.cwd, location.dir),
        options.localCommit ? { defaultCommit: options.localCommit } : {},
      ),
      ctx,
    );
  }
  if (!options.client)
    throw new InputError(
      `registry '${formatRegistryLocation(location)}' is on GitHub and needs a token; ${options.tokenHint ?? 'pass one'}`,
    );
  return new RegistryService(
    new GitHubStore({ client: options.client, owner: location.owner, repo: location.repo }),
    ctx,
  );
}

/**
 * The registry an action uses: the location given (the `registry` input), or
 * else the run's own repository's releases.
 */
export function actionRegistryLocation(
  given: string | undefined,
  context: RunnerContext,
  source = "input 'registry'",
): RegistryLocation {
  if (given) return parseRegistryLocation(given, source);
  const { owner, repo } = requireRepo(context, `the registry when ${source} is not given`);
  return { kind: 'github', owner, repo };
}

/** Provenance of the run for the manifest, from the runner context. */
export function commandContext(context: RunnerContext): CommandContext {
  return {
    cwd: context.workspace,
    // On pull_request events GITHUB_SHA is GitHub's temporary merge commit, which
    // no branch keeps; the version must point at the PR's head commit.
    commit: sourceCommit(context),
    repository: context.repo ? `${context.repo.owner}/${context.repo.repo}` : undefined,
    pullRequest: context.pullRequest?.number,
    workflowRunUrl: context.run?.url,
    operationId: runOperationId(context),
  };
}

/**
 * The workflow run, job and step: what a re-run of a failed job keeps (a re-run
 * is a new GITHUB_RUN_ATTEMPT of the same run), so its stage changes are not
 * made twice. GITHUB_ACTION names the step, numbered when one action or script
 * runs twice in a job, so two rollback steps stay two rollbacks.
 */
export function runOperationId(context: Pick<RunnerContext, 'run' | 'job' | 'step'>): string | undefined {
  if (!context.run) return undefined;
  return `run ${context.run.id} job ${context.job || '-'} step ${context.step || '-'}`;
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
  registry: RegistryService,
  reference: string,
  role: AssetRole,
): Promise<{ path: string; tag: string }> {
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

/**
 * The reference data profile of a version, or why there is none yet: a stage
 * that no version holds (NAME@prod on day one) has nothing to drift from, so
 * the data is tested without a comparison instead of failing the job.
 */
export async function fetchReferenceProfile(
  registry: RegistryService,
  reference: string,
): Promise<{ path: string; label: string } | { firstVersion: string }> {
  try {
    const { path, tag } = await fetchRegistryAsset(registry, reference, 'data-profile');
    return { path, label: `${tag} (${reference})` };
  } catch (error) {
    if (error instanceof NoVersionYetError && parseModelReference(reference).kind === 'stage')
      return {
        firstVersion: `${reference}: ${error.message}; the data is tested without a drift comparison (first version)`,
      };
    throw error;
  }
}
