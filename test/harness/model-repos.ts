// The GitHub emulator of one test file, and repositories on it that hold a
// trained model: a commit on the default branch, a workspace with the demo
// classifier, and the job's bot token. The registry action runs against one
// as the runner runs it, on a push of that commit; a release job's registry
// seeds versions in-process.
import { after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startEmulator,
  type GitHubEmulator,
  type RepoHandle,
  type StartEmulatorOptions,
  type TokenPermissions,
} from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { GitHubStore, RegistryService, type RegistryContext } from '@mlship/registry';
import { runBundledAction, type ActionRunResult, type RunActionOptions } from './run-action.ts';
import { webhookEvent } from './webhook-event.ts';

export const BOT_LOGIN = 'github-actions[bot]';

export interface ModelRepo {
  repo: RepoHandle;
  /** The commit on the default branch. */
  sha: string;
  /** GITHUB_WORKSPACE: holds model.onnx. */
  workspace: string;
  /** The job's GITHUB_TOKEN, held by the bot. */
  token: string;
}

export interface ModelRepoOptions {
  /** Lock a release's tag and assets once published (immutable releases). */
  immutableReleases?: boolean;
  /** The commit message on the default branch. */
  message?: string;
  permissions: TokenPermissions;
}

export class ModelRepos {
  readonly gh: GitHubEmulator;
  readonly #prefix: string;
  readonly #workspaces: string[] = [];
  #serial = 0;

  private constructor(gh: GitHubEmulator, prefix: string) {
    this.gh = gh;
    this.#prefix = prefix;
  }

  /**
   * Starts the emulator for the calling test file (top-level await): after each
   * test, nothing was sent or answered that GitHub's API description forbids;
   * after the file, the emulator stops and the workspaces are removed.
   * `prefix` names the repositories and workspaces (`prefix-0`, `prefix-1` …).
   */
  static async start(prefix: string, options: StartEmulatorOptions = {}): Promise<ModelRepos> {
    const repos = new ModelRepos(await startEmulator(options), prefix);
    afterEach(() => {
      assert.deepEqual(repos.gh.violations, [], 'every request and response matched the OpenAPI description');
    });
    after(async () => {
      await repos.gh.stop();
      for (const dir of repos.#workspaces) rmSync(dir, { recursive: true, force: true });
    });
    return repos;
  }

  /** A repository of octo-org with one commit on main and a workspace holding model.onnx. */
  create(options: ModelRepoOptions): ModelRepo {
    const repo = this.gh.createRepo({
      owner: 'octo-org',
      name: `${this.#prefix}-${this.#serial++}`,
      defaultBranch: 'main',
      ...(options.immutableReleases ? { immutableReleases: true } : {}),
    });
    const sha = this.gh.createCommit(repo, { branch: 'main', message: options.message ?? 'Train churn model' });
    const workspace = mkdtempSync(join(tmpdir(), `mlship-${this.#prefix}-`));
    this.#workspaces.push(workspace);
    writeFileSync(
      join(workspace, 'model.onnx'),
      buildLinearClassifierOnnx({ weights: [[1, 2]], bias: [0], classes: ['no', 'yes'] }),
    );
    const token = this.gh.createToken({ login: BOT_LOGIN, type: 'Bot', permissions: options.permissions });
    return { repo, sha, workspace, token };
  }

  /**
   * The repository's registry in-process, as a release job writes it (its own
   * bot token with contents: write, no write throttle): seeds versions fast.
   */
  releaseRegistry(r: ModelRepo, context: RegistryContext): RegistryService {
    const token = this.gh.createToken({
      login: 'release-bot',
      type: 'Bot',
      permissions: { metadata: 'read', contents: 'write' },
    });
    const client = createGitHubClient({ token, baseUrl: this.gh.apiUrl, throttle: false });
    return new RegistryService(new GitHubStore({ client, owner: r.repo.owner, repo: r.repo.name }), context);
  }

  /** Runs the bundled registry action in the repository's workspace, on a push of its commit, with its token. */
  registry(
    r: ModelRepo,
    inputs: Record<string, string>,
    options: Partial<Pick<RunActionOptions, 'actor' | 'env' | 'timeoutMs' | 'token'>> = {},
  ): Promise<ActionRunResult> {
    return runBundledAction('registry', {
      inputs,
      event: webhookEvent('push', '', { repo: r.repo, sha: r.sha }),
      emulator: this.gh,
      token: r.token,
      cwd: r.workspace,
      ...options,
    });
  }
}
