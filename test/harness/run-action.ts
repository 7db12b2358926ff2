// Runs a node action as the GitHub runner does: a child process on this
// Node (24) with a clean environment of INPUT_* and GITHUB_* variables, file
// commands in a temp dir, and the event payload on disk; then reads back
// outputs, summary, env, state and annotations.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitHubEmulator } from '@mlship/github-emulator';
import type { ResultsService } from '@mlship/results-emulator';
import { evaluateDefault, readActionMetadata } from './action-metadata.ts';
import { parseAnnotations, parseKeyValueFile, type Annotation } from './file-commands.ts';
import type { WebhookEvent } from './webhook-event.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_TIMEOUT_MS = 60_000;

export interface RunActionOptions {
  /** step `with:` values, by input name as written in action.yml */
  inputs?: Record<string, string>;
  event: WebhookEvent;
  emulator: GitHubEmulator;
  /** what `${{ github.token }}` gives (the job's GITHUB_TOKEN) */
  token: string;
  /** extra environment (a step's `env:`) */
  env?: Record<string, string>;
  /** GITHUB_WORKSPACE and the working directory (default: a fresh temp dir) */
  cwd?: string;
  timeoutMs?: number;
  /** Kills the step (SIGKILL, as a cancelled or lost runner would) when aborted; its exitCode is then null. */
  signal?: AbortSignal;
  workflow?: string;
  job?: string;
  actor?: string;
  /** GITHUB_RUN_ID (default 1658821493) */
  runId?: string;
  /** GITHUB_RUN_ATTEMPT (default 1) */
  runAttempt?: number;
  /**
   * The Actions results service: the step gets ACTIONS_RESULTS_URL, a runtime token
   * for this run and job, and the rest of what the runner gives a node action, and
   * GITHUB_SERVER_URL names a github.com-like host (a *.localhost name) so
   * @actions/artifact and @actions/cache use the service.
   */
  results?: ResultsService;
  /** with `results`: keep the emulator's GHES-shaped server URL, where the clients refuse artifacts and fall back to cache v1 */
  asGhes?: boolean;
}

export interface ActionRunResult {
  exitCode: number | null;
  outputs: Record<string, string>;
  summary: string;
  env: Record<string, string>;
  state: Record<string, string>;
  annotations: Annotation[];
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs actions/<name> (its committed dist bundle). */
export function runBundledAction(name: string, options: RunActionOptions): Promise<ActionRunResult> {
  const dir = join(REPO_ROOT, 'actions', name);
  if (!existsSync(join(dir, 'dist', 'index.js'))) {
    return Promise.reject(new Error(`actions/${name}/dist/index.js is missing: run npm run build`));
  }
  return runActionDir(dir, options);
}

/** Runs the node action whose action.yml is in `actionDir` (pre, main and post as declared). */
export async function runActionDir(actionDir: string, options: RunActionOptions): Promise<ActionRunResult> {
  const metadata = readActionMetadata(actionDir);
  const temp = mkdtempSync(join(tmpdir(), 'mlship-runner-'));
  try {
    const files = {
      output: join(temp, 'output'),
      summary: join(temp, 'step_summary'),
      env: join(temp, 'env'),
      state: join(temp, 'state'),
      path: join(temp, 'path'),
      event: join(temp, 'event.json'),
    };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const runnerTemp = join(temp, 'runner-temp');
    mkdirSync(runnerTemp);
    const workspace = options.cwd ?? join(temp, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const gh = options.emulator;
    const serverUrl = options.results && !options.asGhes ? dotcomLikeServerUrl(gh.serverUrl) : gh.serverUrl;
    writeFileSync(files.event, rewriteUrls(JSON.stringify(options.event.payload), gh.apiUrl, serverUrl));

    const [owner = ''] = String(
      (options.event.payload['repository'] as { full_name?: string } | undefined)?.full_name ?? '',
    ).split('/');
    const repository = (options.event.payload['repository'] as { full_name?: string } | undefined)?.full_name ?? '';
    const github: Record<string, string> = {
      token: options.token,
      repository,
      repository_owner: owner,
      sha: options.event.sha,
      ref: options.event.ref,
      event_name: options.event.name,
      server_url: serverUrl,
      api_url: gh.apiUrl,
      graphql_url: gh.graphqlUrl,
      workspace,
      actor: options.actor ?? 'octocat',
      workflow: options.workflow ?? 'CI',
      job: options.job ?? 'test',
      run_id: options.runId ?? '1658821493',
      run_number: '7',
      run_attempt: String(options.runAttempt ?? 1),
    };
    const inputs: Record<string, string> = {};
    for (const [name, value] of Object.entries(metadata.inputDefaults)) inputs[name] = evaluateDefault(value, github);
    Object.assign(inputs, options.inputs ?? {});

    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? temp,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      GITHUB_STATE: files.state,
      GITHUB_PATH: files.path,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: options.event.name,
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_SHA: options.event.sha,
      GITHUB_REF: options.event.ref,
      GITHUB_REF_NAME: options.event.ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\//, ''),
      GITHUB_HEAD_REF: options.event.headRef ?? '',
      GITHUB_BASE_REF: options.event.baseRef ?? '',
      GITHUB_WORKFLOW: github['workflow'] ?? '',
      GITHUB_JOB: github['job'] ?? '',
      GITHUB_RUN_ID: github['run_id'] ?? '',
      GITHUB_RUN_NUMBER: github['run_number'] ?? '',
      GITHUB_RUN_ATTEMPT: github['run_attempt'] ?? '',
      GITHUB_ACTOR: github['actor'] ?? '',
      GITHUB_ACTION: '__run',
      GITHUB_WORKSPACE: workspace,
      GITHUB_API_URL: gh.apiUrl,
      GITHUB_SERVER_URL: serverUrl,
      GITHUB_GRAPHQL_URL: gh.graphqlUrl,
      RUNNER_TEMP: runnerTemp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'mlship-harness',
      RUNNER_TOOL_CACHE: join(temp, 'tool-cache'),
      ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [inputEnvName(name), value])),
      ...(options.results ? resultsEnv(options.results, options.event, repository, github) : {}),
      ...options.env,
    };

    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let stdout = '';
    let stderr = '';
    let exitCode: number | null = 0;
    // The runner's order: pre, main (only if pre succeeded), then post with the saved state.
    for (const phase of ['pre', 'main', 'post'] as const) {
      const script = metadata[phase];
      if (!script || (phase === 'main' && exitCode !== 0)) continue;
      const state = parseKeyValueFile(readFileSync(files.state, 'utf8'));
      const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
      const run = await runNode(join(actionDir, script), { ...env, ...stateEnv }, workspace, timeoutMs, options.signal);
      stdout += run.stdout;
      stderr += run.stderr;
      if (exitCode === 0) exitCode = run.exitCode;
    }
    const state = parseKeyValueFile(readFileSync(files.state, 'utf8'));
    const summary = readSummary(files.summary);
    return {
      exitCode,
      outputs: parseKeyValueFile(readFileSync(files.output, 'utf8')),
      summary: summary.text,
      env: parseKeyValueFile(readFileSync(files.env, 'utf8')),
      state,
      annotations: [...parseAnnotations(stdout), ...summary.annotations],
      stdout,
      stderr,
      durationMs: performance.now() - started,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** The runner drops a step summary over 1 MiB and logs an error instead (the step still passes). */
const SUMMARY_MAX_BYTES = 1024 * 1024;

function readSummary(file: string): { text: string; annotations: Annotation[] } {
  const bytes = readFileSync(file);
  if (bytes.length <= SUMMARY_MAX_BYTES) return { text: bytes.toString('utf8'), annotations: [] };
  const message = `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(bytes.length / 1024)}k.`;
  return { text: '', annotations: [{ level: 'error', message }] };
}

/** INPUT_<NAME>: upper-cased, spaces to underscores, dashes kept (as the runner does). */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function rewriteUrls(text: string, apiUrl: string, serverUrl: string): string {
  return text.split('https://api.github.com').join(apiUrl).split('https://github.com').join(serverUrl);
}

/**
 * The clients treat any server but github.com, *.ghe.com and *.localhost as GHES
 * (no artifacts, legacy cache). github.localhost is such a name; nothing fetches
 * GITHUB_SERVER_URL (API calls go to GITHUB_API_URL), so it need not resolve.
 */
function dotcomLikeServerUrl(emulatorServerUrl: string): string {
  const url = new URL(emulatorServerUrl);
  url.hostname = 'github.localhost';
  return url.href.replace(/\/$/, '');
}

/** What the runner gives a node action for the results service, for this run and job. */
function resultsEnv(
  results: ResultsService,
  event: WebhookEvent,
  repository: string,
  github: Record<string, string>,
): Record<string, string> {
  const payloadRepo = event.payload['repository'] as { default_branch?: string } | undefined;
  return results.runnerEnv({
    repository,
    runId: github['run_id'] ?? '',
    runAttempt: Number(github['run_attempt'] ?? '1'),
    job: github['job'] ?? '',
    ref: event.ref,
    defaultBranch: payloadRepo?.default_branch ?? 'main',
    ...(event.baseRef ? { baseRef: event.baseRef } : {}),
  });
}

interface NodeRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function runNode(
  script: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<NodeRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = () => child.kill('SIGKILL');
    if (signal?.aborted) kill();
    signal?.addEventListener('abort', kill, { once: true });
    child.on('close', () => signal?.removeEventListener('abort', kill));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`action ${script} timed out after ${timeoutMs} ms and was killed; stderr: ${stderr.slice(-2000)}`),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ exitCode: code, stdout, stderr });
    });
  });
}
