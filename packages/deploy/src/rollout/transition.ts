// What a judgement does to a rollout: the next log entry, or nothing. Pure.
import type { Judgement } from '../judge/judge.ts';
import type { RolloutPlan } from '../plan.ts';
import type { RolloutEvent } from './rollout-event.ts';

export interface TransitionContext {
  now: Date;
  actor: string;
  runUrl?: string | undefined;
}

/** Reasons kept in the log: the decisive ones, then every gate and guardrail, in a bounded list. */
const MAX_REASONS = 20;

function next(latest: RolloutEvent, ctx: TransitionContext, change: Partial<RolloutEvent>): RolloutEvent {
  return {
    ...latest,
    seq: latest.seq + 1,
    at: ctx.now.toISOString(),
    actor: ctx.actor,
    ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
    ...change,
  };
}

export function evidenceReasons(judgement: Judgement): string[] {
  const lines = [
    ...judgement.reasons,
    ...judgement.gates.map((g) => g.reason),
    ...judgement.guardrails.map((g) => `${g.name}: ${g.status}, ${g.detail}`),
  ];
  return [...new Set(lines)].slice(0, MAX_REASONS);
}

/** The entry a judgement calls for after `latest`, or null to hold. */
export function transition(
  latest: RolloutEvent,
  plan: RolloutPlan,
  judgement: Judgement,
  ctx: TransitionContext,
): RolloutEvent | null {
  const reasons = evidenceReasons(judgement);
  switch (judgement.outcome) {
    case 'rollback':
      return next(latest, ctx, { phase: 'rolled-back', weight: 0, reasons });
    case 'promote':
      return next(latest, ctx, { phase: 'promoted', weight: 100, reasons });
    case 'inconclusive':
      return latest.phase === 'inconclusive' ? null : next(latest, ctx, { phase: 'inconclusive', reasons });
    case 'continue': {
      if (!judgement.advance || latest.phase !== 'step') return null;
      const step = latest.step + 1;
      return next(latest, ctx, {
        phase: 'step',
        step,
        weight: plan.steps[step]!.weight,
        canaryServedAtStart: judgement.counts.canaryServed,
        reasons,
      });
    }
  }
}

/** A person's decision (a reviewer's approval, or an abort), as the next entry. */
export function decidedByPerson(
  latest: RolloutEvent,
  decision: 'promote' | 'rollback',
  reason: string,
  ctx: TransitionContext,
): RolloutEvent {
  return decision === 'promote'
    ? next(latest, ctx, { phase: 'promoted', weight: 100, reasons: [reason] })
    : next(latest, ctx, { phase: 'rolled-back', weight: 0, reasons: [reason] });
}
