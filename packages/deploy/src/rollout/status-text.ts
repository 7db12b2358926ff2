// The Deployment status each log entry shows: what a person sees on the
// environments page. Descriptions fit GitHub's 140 characters.
import type { RolloutPlan } from '../plan.ts';
import type { DeploymentStatusInput } from './deployments-port.ts';
import type { RolloutEvent } from './rollout-event.ts';

export const STATUS_DESCRIPTION_MAX = 140;

function fit(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= STATUS_DESCRIPTION_MAX ? line : `${line.slice(0, STATUS_DESCRIPTION_MAX - 1)}…`;
}

export function statusFor(
  event: RolloutEvent,
  plan: RolloutPlan,
): Pick<DeploymentStatusInput, 'state' | 'description'> {
  const step = `step ${event.step + 1}/${plan.steps.length}`;
  switch (event.phase) {
    case 'step':
      return {
        state: 'in_progress',
        description: fit(`${step}: canary ${event.version} serves ${event.weight}% (prod ${event.prodVersion})`),
      };
    case 'inconclusive':
      return {
        state: 'in_progress',
        description: fit(`inconclusive at ${step} (${event.weight}%): waiting for a reviewer`),
      };
    case 'promoted':
      return {
        state: 'success',
        description: fit(`${event.version} promoted to prod (was ${event.prodVersion}): ${event.reasons[0] ?? ''}`),
      };
    case 'rolled-back':
      return {
        state: 'failure',
        description: fit(`rolled back; prod stays ${event.prodVersion}: ${event.reasons[0] ?? ''}`),
      };
  }
}
