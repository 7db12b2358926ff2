// The runner context from the environment a step gets (GITHUB_* variables and
// the event payload file), parsed once with zod: a value the runner would never
// write, or a payload that is missing inside a workflow, is one line naming
// the variable. (@actions/github's context reads the same variables but
// silently uses {} for a missing or broken payload, which once made the report
// step post a commit comment instead of failing.)
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import {
  graphqlUrlFor,
  pullRequestOfPayload,
  REPOSITORY_PATTERN,
  triggeringHeadOfPayload,
  type RunnerContext,
  type RunnerRepo,
} from './runner-context.ts';

/** The runner leaves some variables empty (GITHUB_HEAD_REF on push): empty is unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export const RunnerEnvSchema = z.object({
  GITHUB_ACTIONS: optional(z.string()),
  GITHUB_REPOSITORY: optional(z.string().regex(REPOSITORY_PATTERN, "expected 'owner/name'")),
  GITHUB_SHA: optional(z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/i, 'expected a full commit SHA')),
  GITHUB_REF: optional(z.string()),
  GITHUB_EVENT_NAME: optional(z.string()),
  GITHUB_EVENT_PATH: optional(z.string()),
  GITHUB_RUN_ID: optional(z.string().regex(/^\d+$/, 'expected a number')),
  GITHUB_RUN_ATTEMPT: optional(z.string().regex(/^[1-9]\d*$/, 'expected a positive number')),
  GITHUB_ACTOR: optional(z.string()),
  GITHUB_WORKSPACE: optional(z.string()),
  GITHUB_WORKFLOW: optional(z.string()),
  GITHUB_JOB: optional(z.string()),
  GITHUB_ACTION: optional(z.string()),
  GITHUB_API_URL: optional(httpUrl),
  GITHUB_SERVER_URL: optional(httpUrl),
  GITHUB_GRAPHQL_URL: optional(httpUrl),
  GITHUB_STEP_SUMMARY: optional(z.string()),
  GITHUB_WORKFLOW_REF: optional(z.string()),
  RUNNER_NAME: optional(z.string()),
  RUNNER_ENVIRONMENT: optional(z.string()),
  RUNNER_TEMP: optional(z.string()),
});

export type RunnerEnv = z.infer<typeof RunnerEnvSchema>;

export interface RunnerContextOptions {
  /** The workspace when GITHUB_WORKSPACE is unset (the process's working directory). */
  cwd: string;
  /** Names a variable by what set it in messages, e.g. GITHUB_API_URL -> '--api-url' in the CLI. */
  sources?: Partial<Record<keyof RunnerEnv, string>>;
}

/** Parses the step's environment; every malformed value is named in one line. */
export function parseRunnerEnv(
  env: Record<string, string | undefined>,
  sources: RunnerContextOptions['sources'] = {},
): RunnerEnv {
  const raw = Object.fromEntries(Object.keys(RunnerEnvSchema.shape).map((name) => [name, env[name]]));
  const parsed = RunnerEnvSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0]) as keyof RunnerEnv;
  throw new InputError(`${sources[name] ?? name} '${raw[name]}' is invalid: ${issue.message}`);
}

function repoOf(text: string | undefined): RunnerRepo | undefined {
  if (!text) return undefined;
  const [owner, repo] = text.split('/') as [string, string];
  return { owner, repo };
}

/**
 * The payload of the event that started the run. Inside a workflow the runner
 * always writes it, so a missing or unreadable file means the step is not
 * running where it thinks it is: resolving a PR from `{}` would post somewhere
 * else, so it fails instead.
 */
export async function readEventPayload(path: string | undefined, inActions: boolean): Promise<Record<string, unknown>> {
  const fix = 'it must name the webhook payload file the runner writes for the job';
  if (!path) {
    if (!inActions) return {};
    throw new InputError(`GITHUB_EVENT_PATH is not set although GITHUB_ACTIONS is true; ${fix}`);
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new InputError(`GITHUB_EVENT_PATH '${path}' cannot be read (${code}); ${fix}`, { cause: error });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new InputError(`GITHUB_EVENT_PATH '${path}' is not JSON (${(error as Error).message}); ${fix}`, {
      cause: error,
    });
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new InputError(`GITHUB_EVENT_PATH '${path}' holds JSON that is not an object; ${fix}`);
  return payload as Record<string, unknown>;
}

/** The runner context of an action step (or of the CLI inside one), read once at the entry. */
export async function runnerContextFromEnv(
  env: Record<string, string | undefined>,
  options: RunnerContextOptions,
): Promise<RunnerContext> {
  const vars = parseRunnerEnv(env, options.sources);
  const inActions = vars.GITHUB_ACTIONS === 'true';
  const payload = await readEventPayload(vars.GITHUB_EVENT_PATH, inActions);
  const apiUrl = (vars.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const serverUrl = (vars.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const repo = repoOf(vars.GITHUB_REPOSITORY);
  const attempt = Number(vars.GITHUB_RUN_ATTEMPT ?? '1');
  return {
    inActions,
    repo,
    repoFlag: options.sources?.GITHUB_REPOSITORY,
    sha: vars.GITHUB_SHA?.toLowerCase(),
    ref: vars.GITHUB_REF,
    eventName: vars.GITHUB_EVENT_NAME,
    payload,
    pullRequest: pullRequestOfPayload(payload),
    triggeringHeadSha: triggeringHeadOfPayload(payload),
    run:
      vars.GITHUB_RUN_ID && repo
        ? {
            id: vars.GITHUB_RUN_ID,
            attempt,
            url: `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${vars.GITHUB_RUN_ID}`,
          }
        : undefined,
    actor: vars.GITHUB_ACTOR,
    workspace: vars.GITHUB_WORKSPACE ?? options.cwd,
    workflow: vars.GITHUB_WORKFLOW,
    workflowRef: vars.GITHUB_WORKFLOW_REF,
    job: vars.GITHUB_JOB,
    step: vars.GITHUB_ACTION,
    apiUrl,
    serverUrl,
    // Derived from the API URL when unset, as octokit derives it, so --api-url alone moves both.
    graphqlUrl: vars.GITHUB_GRAPHQL_URL ?? graphqlUrlFor(apiUrl),
    stepSummaryPath: vars.GITHUB_STEP_SUMMARY,
    runner: { name: vars.RUNNER_NAME, environment: vars.RUNNER_ENVIRONMENT, temp: vars.RUNNER_TEMP },
  };
}
