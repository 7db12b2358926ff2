// Wiring for entry points (the deploy action and `mlship deploy`): from the
// run's context, the one GitHub client and the registry the entry read and
// built once, builds the rollout log, the Deployments and the serving adapter,
// and runs the controller on the same code path in both.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { defaultPolicy, parsePolicy, type Policy } from '@mlship/eval';
import { InputError } from '@mlship/errors';
import type { GitHubClient } from '@mlship/github';
import { createReportDeps, postReport, ReportKeySchema } from '@mlship/pr-comment';
import { parseGtoTag, parseModelReference, assertModelName, type RegistryService } from '@mlship/registry';
import { REPOSITORY_PATTERN, requireRepo, type RunnerContext, type RunnerRepo } from '@mlship/runner-context';
import { parseStepWeights } from './plan.ts';
import { runController, type ControllerCommand, type ControllerResult } from './rollout/controller.ts';
import { gitHubDeployments } from './github/github-deployments.ts';
import { gitHubRolloutLog } from './github/github-rollout-log.ts';
import { commandTraffic } from './traffic/command-traffic.ts';
import { httpTraffic, referenceServerTraffic, templatedUrl } from './traffic/http-traffic.ts';
import type { TrafficAdapter } from './traffic/traffic-adapter.ts';

/** The deploy action's inputs; `mlship deploy` builds the same object from flags. */
export const DeployInputsSchema = z.object({
  command: z.enum(['auto', 'start', 'step', 'promote', 'rollback']).default('auto'),
  model: z.string().optional(),
  /** vX.Y.Z, or NAME@vX.Y.Z. */
  version: z.string().optional(),
  environment: z.string().min(1).default('production'),
  policy: z.string().optional(),
  steps: z.string().optional(),
  serverUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8080' }).optional(),
  serverToken: z.string().optional(),
  trafficUrl: z.string().optional(),
  evidenceUrl: z.string().optional(),
  trafficCommand: z.string().optional(),
  evidenceCommand: z.string().optional(),
  environmentUrl: z.string().optional(),
  registry: z.string().optional(),
  repository: z.string().optional(),
  reason: z.string().optional(),
});
export type DeployInputs = z.infer<typeof DeployInputsSchema>;

/** The deploy action's inputs: the controller's, and the token its one client is built with. */
export const DeployActionInputsSchema = DeployInputsSchema.extend({
  token: z.string({ error: "input 'token' is required: a token with deployments: write and contents: write" }).min(1),
});

/** The default policy file, the one the validate step reads in the templates. */
export const DEFAULT_POLICY_FILE = 'mlship/policy.yml';

const ReleaseEvent = z.object({ release: z.object({ tag_name: z.string() }) });

/** A model version named by the event: a published release, or a pushed tag, `NAME@vX.Y.Z`. */
function versionOfEvent(context: Pick<RunnerContext, 'eventName' | 'payload' | 'ref'>): string | undefined {
  let tag: string | undefined;
  if (context.eventName === 'release') {
    const parsed = ReleaseEvent.safeParse(context.payload);
    if (!parsed.success) return undefined;
    tag = parsed.data.release.tag_name;
  } else if (context.eventName === 'push' && context.ref?.startsWith('refs/tags/')) {
    tag = context.ref.slice('refs/tags/'.length);
  }
  const parsed = tag ? parseGtoTag(tag) : null;
  return parsed?.action === 'register' ? `${parsed.name}@${parsed.version}` : undefined;
}

/** What to do, for which model and version: from the inputs, else from the event. */
export function resolveCommand(
  inputs: DeployInputs,
  context: Pick<RunnerContext, 'eventName' | 'payload' | 'ref'>,
  policy: () => Policy,
): ControllerCommand | { idle: string } {
  const fromEvent = inputs.version === undefined ? versionOfEvent(context) : undefined;
  const versionText = inputs.version ?? fromEvent;
  let model = inputs.model === undefined ? undefined : assertModelName(inputs.model, 'model');
  let version: string | undefined;
  if (versionText !== undefined) {
    if (versionText.includes('@')) {
      const ref = parseModelReference(versionText, 'version');
      if (ref.kind !== 'version')
        throw new InputError(`input 'version' must name one version (NAME@vX.Y.Z or vX.Y.Z), not '${versionText}'`);
      if (model !== undefined && model !== ref.name)
        throw new InputError(`input 'version' names model ${ref.name} but input 'model' is ${model}; give one of them`);
      model = ref.name;
      version = ref.version;
    } else version = versionText;
  }
  const command = inputs.command === 'auto' ? (version === undefined ? 'step' : 'start') : inputs.command;
  if (model === undefined) {
    if (inputs.command === 'auto' && (context.eventName === 'release' || context.ref?.startsWith('refs/tags/')))
      return { idle: 'the release or tag does not name a model version (NAME@vX.Y.Z); nothing to deploy' };
    throw new InputError(
      `input 'model' is required to ${command === 'start' ? 'start a rollout' : `${command} a rollout`}; set it in the step's 'with:' block`,
    );
  }
  if (command === 'start') {
    if (version === undefined) throw new InputError(`input 'version' is required to start a rollout (e.g. v1.2.0)`);
    const p = policy();
    return {
      command,
      model,
      version,
      environment: inputs.environment,
      policy: p,
      weights: inputs.steps === undefined ? undefined : parseStepWeights(inputs.steps, "input 'steps'"),
    };
  }
  if (command === 'step') return { command, model };
  return { command, model, reason: inputs.reason };
}

function loadPolicy(file: string | undefined, cwd: string): Policy {
  const path = resolve(cwd, file ?? DEFAULT_POLICY_FILE);
  if (file === undefined && !existsSync(path)) return defaultPolicy();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(
      `input 'policy': '${file}' cannot be read; give the path of the policy YAML (e.g. ${DEFAULT_POLICY_FILE})`,
    );
  }
  return parsePolicy(text, file ?? DEFAULT_POLICY_FILE);
}

function trafficAdapter(inputs: DeployInputs, cwd: string, env: Record<string, string | undefined>): TrafficAdapter {
  const given = [
    inputs.serverUrl && 'server-url',
    inputs.trafficUrl && 'traffic-url',
    inputs.trafficCommand && 'traffic-command',
  ].filter(Boolean);
  if (given.length !== 1)
    throw new InputError(
      given.length === 0
        ? 'the deploy step needs a serving system: set one of server-url (mlship serve), traffic-url (an HTTP service with the same API) or traffic-command (your own script)'
        : `set only one of server-url, traffic-url and traffic-command (got ${given.join(', ')})`,
    );
  if (inputs.serverUrl) return referenceServerTraffic(inputs.serverUrl, { token: inputs.serverToken });
  if (inputs.trafficUrl)
    return httpTraffic({
      trafficUrl: templatedUrl(inputs.trafficUrl),
      evidenceUrl: inputs.evidenceUrl === undefined ? undefined : templatedUrl(inputs.evidenceUrl),
      token: inputs.serverToken,
      description: `the service at ${new URL(inputs.trafficUrl.replaceAll('{model}', 'm')).origin}`,
    });
  return commandTraffic({ trafficCommand: inputs.trafficCommand!, evidenceCommand: inputs.evidenceCommand, cwd, env });
}

export interface DeployRun extends ControllerResult {
  /** The command the inputs and event resolved to. */
  command: ControllerCommand['command'] | 'none';
}

/** What the entry read and built once, handed to the controller. */
export interface DeployRuntime {
  /** The run: repository, event, actor, run URL, workspace (relative paths resolve there). */
  context: RunnerContext;
  /** The entry's one GitHub client: Deployments, the rollout log, the evidence comment. */
  client: GitHubClient;
  /** The registry whose canary and prod stages the rollout moves. */
  registry: RegistryService;
  /** The environment a traffic or evidence command runs with. */
  env: Record<string, string | undefined>;
  /** Says a failure the run goes on after (an annotation in Actions, stderr in a terminal). */
  warn: (message: string) => void;
  clock?: () => Date;
}

/** The repository the rollout's state lives in: the `repository` input, else the run's own. */
function rolloutRepo(given: string | undefined, context: RunnerContext): RunnerRepo {
  if (given !== undefined) {
    if (!REPOSITORY_PATTERN.test(given))
      throw new InputError(`input 'repository': '${given}' is not owner/name (e.g. octo/churn)`);
    const [owner, repo] = given.split('/') as [string, string];
    return { owner, repo };
  }
  return requireRepo(context, "the rollout's state");
}

/** Runs one controller step from an entry point's inputs and what it built. */
export async function runDeploy(inputs: DeployInputs, runtime: DeployRuntime): Promise<DeployRun> {
  const { context, client, registry } = runtime;
  const cwd = context.workspace;
  const resolved = resolveCommand(inputs, context, () => loadPolicy(inputs.policy, cwd));
  if ('idle' in resolved)
    return {
      command: 'none',
      action: 'idle',
      model: inputs.model ?? '',
      text: resolved.idle,
      report: `${resolved.idle}\n`,
    };
  const repo = rolloutRepo(inputs.repository, context);
  const result = await runController(resolved, {
    registry,
    rollouts: gitHubRolloutLog(client, repo),
    deployments: gitHubDeployments(client, repo),
    traffic: trafficAdapter(inputs, cwd, runtime.env),
    postEvidence: async (commit, markdown) => {
      const dir = await mkdtemp(join(tmpdir(), 'mlship-deploy-report-'));
      try {
        const reportPath = join(dir, 'rollback.md');
        await writeFile(reportPath, markdown);
        const deps = createReportDeps({ client, context: { ...context, repo }, warn: runtime.warn });
        // The summary gets the controller's own report; the comment is the evidence.
        const posted = await postReport(
          { reportPath, target: `commit/${commit}`, key: ReportKeySchema.parse(`mlship-deploy/${resolved.model}`) },
          { ...deps, writeSummary: undefined },
        );
        return posted.commentUrl;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    clock: runtime.clock ?? (() => new Date()),
    actor: context.actor ?? 'mlship',
    runUrl: context.run?.url,
    environmentUrl: inputs.environmentUrl ?? inputs.serverUrl,
  });
  return { command: resolved.command, ...result };
}
