// The canary judge: one pure function from the plan, where the rollout stands
// and the evidence, to an outcome. Deterministic: the same inputs give the
// same outcome on every machine (no clock read, no randomness).
//
//   rollback      any guardrail breached, or any labelled gate failed: at once,
//                 at any step, without waiting for the step's minimums
//   promote       the last step has run its requests and time, every gate
//                 passed and every guardrail was measured and held
//   inconclusive  the label or time limit came with a gate still undecided:
//                 the rollout waits for a reviewer
//   continue      not enough evidence yet; `advance` says whether the step's
//                 requests and time are met, so the next step may start
//
// Missing, stale or mismatched evidence never passes anything: it holds the
// step where it is.
import type { Profile } from '@mlship/data';
import type { Evidence } from '../evidence.ts';
import type { RolloutPlan } from '../plan.ts';
import { judgeGuardrails, type GuardrailResult } from './guardrails.ts';
import { judgeLabelledGates, type LabelledGateResult } from './labelled-gates.ts';

export type Outcome = 'promote' | 'rollback' | 'continue' | 'inconclusive';

export interface StepProgress {
  /** 0-based index into the plan's steps. */
  index: number;
  startedAt: string;
  /** The canary's served count when the step began (the step's requests are counted from it). */
  canaryServedAtStart: number;
}

export interface JudgeInput {
  plan: RolloutPlan;
  step: StepProgress;
  rolloutStartedAt: string;
  now: Date;
  /** undefined when the serving adapter reports no evidence. */
  evidence: Evidence | undefined;
  /** The canary version's published data profile, for the input drift guardrail. */
  reference?: Profile | undefined;
}

export interface Judgement {
  outcome: Outcome;
  /** For `continue`: the step's requests and time are met and a next step exists. */
  advance: boolean;
  /** Why, the decisive reason first. */
  reasons: string[];
  gates: LabelledGateResult[];
  guardrails: GuardrailResult[];
  counts: {
    canaryServed: number;
    canaryScored: number;
    prodScored: number;
    labels: number;
    stepServed: number;
    stepSeconds: number;
  };
  /** The evidence judged, when it was usable. */
  evidenceAsOf?: string;
}

function usableEvidence(input: JudgeInput): { evidence: Evidence } | { problem: string } {
  const { evidence, plan, now } = input;
  if (!evidence)
    return {
      problem: 'no evidence: the serving adapter reports none, so nothing can pass (give it an evidence source)',
    };
  if (
    evidence.model !== plan.model ||
    evidence.prod.version !== plan.prodVersion ||
    evidence.canary.version !== plan.version
  )
    return {
      problem: `the evidence is for ${evidence.model} prod ${evidence.prod.version} / canary ${evidence.canary.version}, not ${plan.model} prod ${plan.prodVersion} / canary ${plan.version}: the runtime serves other versions`,
    };
  const ageSeconds = (now.getTime() - Date.parse(evidence.asOf)) / 1000;
  if (Math.abs(ageSeconds) > plan.judge.evidenceMaxAgeSeconds)
    return {
      problem: `the evidence is ${Math.round(ageSeconds / 60)} min old (computed ${evidence.asOf}; limit ${Math.round(plan.judge.evidenceMaxAgeSeconds / 60)} min): stale evidence never passes`,
    };
  return { evidence };
}

export function judge(input: JudgeInput): Judgement {
  const { plan, step, now } = input;
  const rolloutSeconds = (now.getTime() - Date.parse(input.rolloutStartedAt)) / 1000;
  const stepSeconds = Math.max(0, (now.getTime() - Date.parse(step.startedAt)) / 1000);
  const timeUp = rolloutSeconds >= plan.judge.maxSeconds;
  const usable = usableEvidence(input);
  if ('problem' in usable) {
    return {
      outcome: timeUp ? 'inconclusive' : 'continue',
      advance: false,
      reasons: [
        ...(timeUp ? [`no decision within ${Math.round(plan.judge.maxSeconds / 3600)} h of the start`] : []),
        usable.problem,
      ],
      gates: [],
      guardrails: [],
      counts: { canaryServed: 0, canaryScored: 0, prodScored: 0, labels: 0, stepServed: 0, stepSeconds },
    };
  }
  const { evidence } = usable;
  const gates = judgeLabelledGates(evidence, plan.judge.gates, plan.judge);
  const labels = gates.length > 0 ? Math.min(...gates.map((g) => g.labels)) : evidence.labels.received;
  const guardrails = judgeGuardrails(evidence, plan.judge.guardrails, plan.judge.alpha, input.reference, {
    gates: gates.length,
    labels: gates.length > 0 ? labels : 0,
    minLabels: plan.judge.minLabels,
  });
  // A runtime that restarted counts from zero again: its whole count then belongs to this step.
  const stepServed =
    evidence.canary.served >= step.canaryServedAtStart
      ? evidence.canary.served - step.canaryServedAtStart
      : evidence.canary.served;
  const base = {
    gates,
    guardrails,
    counts: {
      canaryServed: evidence.canary.served,
      canaryScored: evidence.canary.scored,
      prodScored: evidence.prod.scored,
      labels,
      stepServed,
      stepSeconds,
    },
    evidenceAsOf: evidence.asOf,
  };

  const breaches = guardrails.filter((g) => g.status === 'breach');
  const failed = gates.filter((g) => g.verdict === 'fail');
  if (breaches.length > 0 || failed.length > 0)
    return {
      ...base,
      outcome: 'rollback',
      advance: false,
      reasons: [...breaches.map((g) => `${g.name}: ${g.detail}`), ...failed.map((g) => g.reason)],
    };

  const current = plan.steps[step.index]!;
  const lastStep = step.index === plan.steps.length - 1;
  const stepDone = stepServed >= current.minRequests && stepSeconds >= current.minSeconds;
  const undecided = gates.filter((g) => g.verdict !== 'pass');
  // Both keep the step where it is: an unmeasured guardrail until it is measured, a held one until labels decide.
  const unmeasured = guardrails.filter((g) => g.status === 'unmeasured');
  const held = guardrails.filter((g) => g.status === 'held');
  const stepText = `step ${step.index + 1}/${plan.steps.length} (${current.weight}%): ${stepServed}/${current.minRequests} canary requests, ${Math.floor(stepSeconds / 60)}/${Math.ceil(current.minSeconds / 60)} min`;

  if (lastStep && stepDone && undecided.length === 0 && unmeasured.length === 0 && held.length === 0)
    return {
      ...base,
      outcome: 'promote',
      advance: false,
      reasons: [
        gates.length > 0
          ? `every gate passed on ${labels} labelled requests and every guardrail held`
          : 'every guardrail held (no labelled gate is configured)',
        ...gates.map((g) => g.reason),
      ],
    };

  const labelsOut = undecided.length > 0 && labels >= plan.judge.maxLabels;
  if (timeUp || labelsOut) {
    return {
      ...base,
      outcome: 'inconclusive',
      advance: false,
      reasons: [
        timeUp
          ? `no decision within ${Math.round(plan.judge.maxSeconds / 3600)} h of the start`
          : `no decision after ${labels} labelled requests (limit ${plan.judge.maxLabels})`,
        ...undecided.map((g) => g.reason),
        ...[...held, ...unmeasured].map((g) => `${g.name}: ${g.detail}`),
      ],
    };
  }

  return {
    ...base,
    outcome: 'continue',
    advance: stepDone && !lastStep && held.length === 0,
    reasons: [
      stepDone && !lastStep && held.length === 0 ? `${stepText}: met, next step` : stepText,
      ...held.map((g) => `${g.name}: ${g.detail}`),
      ...undecided.map((g) => g.reason),
      ...unmeasured.map((g) => `${g.name}: ${g.detail}`),
    ],
  };
}
