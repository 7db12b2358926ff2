// Where a model's rollout log lives: git refs on GitHub (github-rollout-log.ts).
import type { RolloutEvent } from './rollout-event.ts';

export interface RolloutLog {
  /** The newest entry of a model's log, or null before its first rollout. */
  latest(model: string): Promise<RolloutEvent | null>;
  /** Writes the entry at its seq: false when another run took that seq first. */
  append(event: RolloutEvent, commit: string): Promise<boolean>;
}
