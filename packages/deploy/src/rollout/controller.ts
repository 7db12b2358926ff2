// The rollout controller: stateless. Each run reads where the rollout stands
// (the log in git refs and the Deployment's plan), finishes the effects of the
// last step if an earlier run was cut short, judges, takes at most one step by
// compare-and-swap, applies its effects and exits. Nothing waits for hours in
// a job; a schedule or a dispatch runs it again.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProfile, type Profile } from '@mlship/data';
import { diffSignatures, type Policy } from '@mlship/eval';
import { InputError } from '@mlship/errors';
import { NoVersionYetError, normalizeVersion, type RegistryService, type ResolvedVersion } from '@mlship/registry';
import { judge, type Judgement } from '../judge/judge.ts';
import { planRollout, RolloutPlanSchema, type RolloutPlan } from '../plan.ts';
import type { TrafficAdapter } from '../traffic/traffic-adapter.ts';
import { isTerminal, type RolloutEvent } from './rollout-event.ts';
import type { RolloutLog } from './rollout-log.ts';
import type { Deployment, DeploymentsPort } from './deployments-port.ts';
import { decidedByPerson, transition } from './transition.ts';
import { statusFor } from './status-text.ts';
import { rolloutReport } from './rollout-report.ts';

export interface ControllerDeps {
  registry: RegistryService;
  rollouts: RolloutLog;
  deployments: DeploymentsPort;
  traffic: TrafficAdapter;
  /** Posts the rollback evidence as a comment on the version's commit (the report action's code path). */
  postEvidence: (commit: string, markdown: string) => Promise<string | undefined>;
  clock: () => Date;
  actor: string;
  runUrl?: string | undefined;
  environmentUrl?: string | undefined;
}

export type ControllerCommand =
  | {
      command: 'start';
      model: string;
      version: string;
      environment: string;
      policy: Policy;
      weights?: number[] | undefined;
    }
  | { command: 'step'; model: string }
  | { command: 'promote' | 'rollback'; model: string; reason?: string | undefined };

export type ControllerAction =
  'started' | 'advanced' | 'held' | 'inconclusive' | 'promoted' | 'rolled-back' | 'raced' | 'idle';

export interface ControllerResult {
  action: ControllerAction;
  model: string;
  /** One line for the log. */
  text: string;
  /** Markdown for the job summary. */
  report: string;
  event?: RolloutEvent | undefined;
  plan?: RolloutPlan | undefined;
  judgement?: Judgement | undefined;
  deploymentId?: number | undefined;
  /** Where the rollback evidence was posted. */
  commentUrl?: string | undefined;
}

const PLAN_KEY = 'mlship';

export async function runController(command: ControllerCommand, deps: ControllerDeps): Promise<ControllerResult> {
  switch (command.command) {
    case 'start':
      return start(command, deps);
    case 'step':
      return step(command.model, deps);
    case 'promote':
    case 'rollback':
      return decide(command.model, command.command, command.reason, deps);
  }
}

// ---- start ----

async function start(
  c: Extract<ControllerCommand, { command: 'start' }>,
  deps: ControllerDeps,
): Promise<ControllerResult> {
  const version = normalizeVersion(c.version);
  const latest = await deps.rollouts.latest(c.model);
  if (latest && !isTerminal(latest)) {
    // A re-delivered release event, or a re-run: the rollout it asks for is already under way.
    if (latest.version === version) return step(c.model, deps);
    throw new InputError(
      `a rollout of ${c.model} ${latest.version} is in progress (deployment ${latest.deploymentId}, step ${latest.step + 1}); let it finish or roll it back (command: rollback) before starting ${version}`,
    );
  }
  const canary = await deps.registry.resolve(`${c.model}@${version}`);
  const prod = await resolveProd(deps.registry, c.model, version);
  if (prod.version === version) {
    const text = `${c.model} ${version} already holds prod; nothing to roll out`;
    return { action: 'idle', model: c.model, text, report: `${text}\n` };
  }
  checkSignatures(prod, canary);
  if (c.policy.canary.guardrails.input_drift && !canary.manifest.assets.some((a) => a.role === 'data-profile'))
    throw new InputError(
      `${canary.tag} has no data-profile asset, so the input drift guardrail cannot judge it; publish the version with its data profile (data-profile input), or set canary.guardrails.input_drift: false in the policy`,
    );
  const plan = planRollout(
    c.policy,
    { model: c.model, version, prodVersion: prod.version },
    c.weights ?? c.policy.canary.steps,
  );
  const deployment = await deps.deployments.create({
    ref: canary.manifest.source.commit,
    environment: c.environment,
    payload: { [PLAN_KEY]: plan },
    description: `${c.model} ${version}: canary against prod ${prod.version}`,
  });
  const now = deps.clock().toISOString();
  const event: RolloutEvent = {
    schemaVersion: 1,
    seq: (latest?.seq ?? 0) + 1,
    model: c.model,
    deploymentId: deployment.id,
    version,
    prodVersion: prod.version,
    prodDeploymentId: prodDeploymentOf(latest, prod.version),
    phase: 'step',
    step: 0,
    weight: plan.steps[0]!.weight,
    startedAt: now,
    at: now,
    canaryServedAtStart: 0,
    actor: deps.actor,
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
    reasons: [`started by ${deps.actor}`],
  };
  if (!(await deps.rollouts.append(event, deployment.sha))) {
    await deps.deployments.setStatus(deployment.id, {
      state: 'error',
      description: `superseded: another run started a rollout of ${c.model} at the same moment`,
      ...links(deps),
    });
    const winner = await deps.rollouts.latest(c.model);
    if (winner && !isTerminal(winner) && winner.version === version) {
      const text = `another run started this rollout of ${c.model} ${version} at the same moment (deployment ${winner.deploymentId}); nothing done`;
      return {
        action: 'raced',
        model: c.model,
        text,
        report: `${text}\n`,
        event: winner,
        deploymentId: winner.deploymentId,
      };
    }
    throw new InputError(
      `another run started a rollout of ${c.model}${winner ? ` ${winner.version}` : ''} at the same moment; let it finish before starting ${version}`,
    );
  }
  await applyEffects(event, plan, deployment, deps);
  const text = `started ${c.model} ${version}: canary at ${event.weight}% against prod ${prod.version} (deployment ${deployment.id}, step 1/${plan.steps.length})`;
  return {
    action: 'started',
    model: c.model,
    text,
    report: rolloutReport({ event, plan, headline: text }),
    event,
    plan,
    deploymentId: deployment.id,
  };
}

async function resolveProd(registry: RegistryService, model: string, version: string): Promise<ResolvedVersion> {
  try {
    return await registry.resolve(`${model}@prod`);
  } catch (error) {
    if (!(error instanceof NoVersionYetError)) throw error;
    throw new InputError(
      `no version of ${model} holds prod, so there is nothing to compare the canary with; promote the first version directly ('mlship registry promote ${model} ${version} prod'), then roll out the next ones`,
      { cause: error },
    );
  }
}

/** A canary must accept the requests prod gets and answer in the same shape: refused before any traffic. */
function checkSignatures(prod: ResolvedVersion, canary: ResolvedVersion): void {
  const before = prod.manifest.signature;
  const after = canary.manifest.signature;
  if (!before || !after) return;
  const breaking = diffSignatures(before, after, `prod model (${prod.tag})`).filter((c) => c.breaking);
  if (breaking.length === 0) return;
  throw new InputError(
    `${canary.tag} cannot take prod's traffic: ${breaking.map((c) => c.message).join('; ')}; a canary must accept the same inputs as prod (${prod.tag}): release it under a new model name, or change the callers first`,
  );
}

function prodDeploymentOf(latest: RolloutEvent | null, prodVersion: string): number | null {
  if (!latest) return null;
  if (latest.phase === 'promoted' && latest.version === prodVersion) return latest.deploymentId;
  return latest.prodVersion === prodVersion ? latest.prodDeploymentId : null;
}

// ---- step ----

async function current(
  model: string,
  deps: ControllerDeps,
): Promise<{ latest: RolloutEvent; deployment: Deployment; plan: RolloutPlan } | null> {
  const latest = await deps.rollouts.latest(model);
  if (!latest) return null;
  const deployment = await deps.deployments.get(latest.deploymentId);
  const payload = deployment.payload as Record<string, unknown> | null;
  const parsed = RolloutPlanSchema.safeParse(payload?.[PLAN_KEY]);
  if (!parsed.success)
    throw new InputError(
      `deployment ${deployment.id} holds no mlship rollout plan in its payload (changed by hand, or written by another tool); roll it back with command: rollback and start again`,
    );
  return { latest, deployment, plan: parsed.data };
}

async function step(model: string, deps: ControllerDeps): Promise<ControllerResult> {
  const state = await current(model, deps);
  if (!state) {
    const text = `no rollout of ${model} has started; nothing to do`;
    return { action: 'idle', model, text, report: `${text}\n` };
  }
  const { latest, deployment, plan } = state;
  // Effects of the last step first: an earlier run may have been cut short after taking it.
  await applyEffects(latest, plan, deployment, deps);
  if (isTerminal(latest)) {
    const text = `the last rollout of ${model} (${latest.version}, deployment ${latest.deploymentId}) ended ${latest.phase}; nothing to do`;
    return { action: 'idle', model, text, report: `${text}\n`, event: latest, plan, deploymentId: latest.deploymentId };
  }
  const evidence = await deps.traffic.evidence({
    model,
    prod: plan.prodVersion,
    canary: plan.version,
    since: latest.startedAt,
  });
  const reference = plan.judge.guardrails.inputDrift ? await referenceProfile(deps.registry, plan) : undefined;
  const now = deps.clock();
  const judgement = judge({
    plan,
    step: { index: latest.step, startedAt: latest.at, canaryServedAtStart: latest.canaryServedAtStart },
    rolloutStartedAt: latest.startedAt,
    now,
    evidence,
    reference,
  });
  const next = transition(latest, plan, judgement, { now, actor: deps.actor, runUrl: deps.runUrl });
  if (!next) {
    const text = `${model} ${plan.version} ${latest.phase === 'inconclusive' ? 'is inconclusive, waiting for a reviewer' : `holds at step ${latest.step + 1}/${plan.steps.length} (${latest.weight}%)`}: ${judgement.reasons[0] ?? ''}`;
    return finish('held', { latest, plan, judgement, text, deployment });
  }
  return take(next, { latest, plan, judgement, deployment }, deps);
}

async function decide(
  model: string,
  decision: 'promote' | 'rollback',
  reason: string | undefined,
  deps: ControllerDeps,
): Promise<ControllerResult> {
  const state = await current(model, deps);
  if (!state || isTerminal(state.latest))
    throw new InputError(`no rollout of ${model} is in progress, so there is nothing to ${decision}`);
  const { latest, plan, deployment } = state;
  await applyEffects(latest, plan, deployment, deps);
  if (decision === 'promote' && latest.phase !== 'inconclusive')
    throw new InputError(
      `${model} ${latest.version} is at step ${latest.step + 1}/${plan.steps.length} and still being judged; a person promotes a rollout only when the judge found it inconclusive`,
    );
  const why =
    reason ??
    (decision === 'promote'
      ? `approved by ${deps.actor} after an inconclusive judgement`
      : `rolled back by ${deps.actor}`);
  const next = decidedByPerson(latest, decision, why, { now: deps.clock(), actor: deps.actor, runUrl: deps.runUrl });
  return take(next, { latest, plan, deployment }, deps);
}

async function take(
  next: RolloutEvent,
  s: { latest: RolloutEvent; plan: RolloutPlan; deployment: Deployment; judgement?: Judgement },
  deps: ControllerDeps,
): Promise<ControllerResult> {
  if (!(await deps.rollouts.append(next, s.deployment.sha))) {
    const text = `another run moved the rollout of ${next.model} ${next.version} first (entry ${next.seq}); nothing done`;
    return {
      action: 'raced',
      model: next.model,
      text,
      report: `${text}\n`,
      plan: s.plan,
      judgement: s.judgement,
      deploymentId: next.deploymentId,
    };
  }
  const commentUrl = await applyEffects(next, s.plan, s.deployment, deps);
  const action: ControllerAction =
    next.phase === 'promoted'
      ? 'promoted'
      : next.phase === 'rolled-back'
        ? 'rolled-back'
        : next.phase === 'inconclusive'
          ? 'inconclusive'
          : 'advanced';
  const text =
    action === 'promoted'
      ? `promoted ${next.model} ${next.version} to prod (was ${next.prodVersion}): ${next.reasons[0]}`
      : action === 'rolled-back'
        ? `rolled back ${next.model} ${next.version}; prod stays ${next.prodVersion}: ${next.reasons[0]}`
        : action === 'inconclusive'
          ? `${next.model} ${next.version} is inconclusive at step ${next.step + 1}/${s.plan.steps.length}: ${next.reasons[0]}; waiting for a reviewer`
          : `${next.model} ${next.version}: step ${next.step + 1}/${s.plan.steps.length}, canary at ${next.weight}%`;
  return finish(action, {
    latest: next,
    plan: s.plan,
    judgement: s.judgement,
    text,
    deployment: s.deployment,
    commentUrl,
  });
}

function finish(
  action: ControllerAction,
  s: {
    latest: RolloutEvent;
    plan: RolloutPlan;
    judgement?: Judgement | undefined;
    text: string;
    deployment: Deployment;
    commentUrl?: string | undefined;
  },
): ControllerResult {
  return {
    action,
    model: s.latest.model,
    text: s.text,
    report: rolloutReport({ event: s.latest, plan: s.plan, judgement: s.judgement, headline: s.text }),
    event: s.latest,
    plan: s.plan,
    judgement: s.judgement,
    deploymentId: s.deployment.id,
    commentUrl: s.commentUrl,
  };
}

async function referenceProfile(registry: RegistryService, plan: RolloutPlan): Promise<Profile | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-deploy-profile-'));
  try {
    const { files } = await registry.download(`${plan.model}@${plan.version}`, dir, { role: 'data-profile' });
    return parseProfile(await readFile(files[0]!, 'utf8'), files[0]!);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- effects ----

function links(deps: ControllerDeps): { logUrl?: string; environmentUrl?: string } {
  return {
    ...(deps.runUrl ? { logUrl: deps.runUrl } : {}),
    ...(deps.environmentUrl ? { environmentUrl: deps.environmentUrl } : {}),
  };
}

/**
 * Brings traffic, the registry's stages and the Deployment's status in line
 * with an entry of the log. Traffic is set on every run (cheap, and a split
 * changed by hand is put back); the other effects are idempotent and the
 * status is written last, so a status already shown means they are done and a
 * run cut short before it is finished by the next. Returns the rollback
 * comment's URL.
 */
async function applyEffects(
  event: RolloutEvent,
  plan: RolloutPlan,
  deployment: Deployment,
  deps: ControllerDeps,
): Promise<string | undefined> {
  const { model, version } = event;
  const live = event.phase === 'step' || event.phase === 'inconclusive';
  await deps.traffic.setTraffic(
    model,
    live
      ? { prod: plan.prodVersion, canary: version, canaryWeight: event.weight, shadow: plan.shadow }
      : { prod: event.phase === 'promoted' ? version : plan.prodVersion, canary: null, canaryWeight: 0, shadow: false },
  );
  const status = statusFor(event, plan);
  const shown = await deps.deployments.latestStatus(deployment.id);
  if (shown?.state === status.state && shown.description === status.description) return undefined;
  let commentUrl: string | undefined;
  switch (event.phase) {
    case 'step':
    case 'inconclusive':
      await deps.registry.promote({
        name: model,
        version,
        stage: 'canary',
        message: `rollout ${deployment.id}: canary`,
      });
      break;
    case 'promoted':
      await deps.registry.promote({
        name: model,
        version,
        stage: 'prod',
        message: `rollout ${deployment.id}: ${event.reasons[0] ?? 'promoted'}`.slice(0, 500),
      });
      // `canary` belongs to a rollout in progress: once promoted, the version gives it up, so a
      // server following NAME@canary serves none and a later rollback cannot hand it back.
      await deps.registry.unassign({
        name: model,
        version,
        stage: 'canary',
        message: `rollout ${deployment.id}: done`,
      });
      if (event.prodDeploymentId !== null) {
        const previous = await deps.deployments.latestStatus(event.prodDeploymentId);
        if (previous?.state === 'success')
          await deps.deployments.setStatus(event.prodDeploymentId, {
            state: 'inactive',
            description: `replaced by ${model} ${version} (deployment ${deployment.id})`,
          });
      }
      break;
    case 'rolled-back':
      await deps.registry.unassign({
        name: model,
        version,
        stage: 'canary',
        message: `rollout ${deployment.id}: rolled back`,
      });
      commentUrl = await deps.postEvidence(
        deployment.sha,
        rolloutReport({ event, plan, headline: `${model} ${version} was rolled back; prod stays ${plan.prodVersion}` }),
      );
      break;
  }
  await deps.deployments.setStatus(deployment.id, { ...status, ...links(deps) });
  return commentUrl;
}
