// One entry of a model's rollout log: a step taken, and the state the
// rollout is in after it. The log lives in git refs (one entry per
// transition, each written by compare-and-swap), so two controllers that
// judge at the same moment cannot both move the rollout.
import { z } from 'zod';
import { FileFormatError } from '@mlship/errors';

export const ROLLOUT_EVENT_SCHEMA_VERSION = 1;

export const PhaseSchema = z.enum(['step', 'inconclusive', 'promoted', 'rolled-back']);
export type Phase = z.infer<typeof PhaseSchema>;

export const RolloutEventSchema = z.strictObject({
  schemaVersion: z.literal(ROLLOUT_EVENT_SCHEMA_VERSION),
  /** 1, 2, 3... per model, across its rollouts. */
  seq: z.number().int().positive(),
  model: z.string().min(1),
  /** The GitHub Deployment of this rollout (its payload holds the plan). */
  deploymentId: z.number().int().positive(),
  version: z.string().min(1),
  prodVersion: z.string().min(1),
  /** The Deployment that made prodVersion prod, when a rollout did: marked inactive when this one is promoted. */
  prodDeploymentId: z.number().int().positive().nullable(),
  phase: PhaseSchema,
  /** 0-based step index (of the plan's steps) in force. */
  step: z.number().int().min(0),
  /** The canary's traffic share in force, percent. */
  weight: z.number().min(0).max(100),
  /** When the rollout started. */
  startedAt: z.iso.datetime(),
  /** When this entry was written: the step's start, for a step. */
  at: z.iso.datetime(),
  /** The canary's served count when the step began. */
  canaryServedAtStart: z.number().int().min(0),
  actor: z.string(),
  runUrl: z.string().optional(),
  /** Why, the decisive reason first (shown in statuses, summaries and the rollback comment). */
  reasons: z.array(z.string()).max(20),
});
export type RolloutEvent = z.infer<typeof RolloutEventSchema>;

export function isTerminal(event: RolloutEvent): boolean {
  return event.phase === 'promoted' || event.phase === 'rolled-back';
}

/** A git tag message: a readable first line, then the entry as JSON. */
export function formatEventMessage(event: RolloutEvent): string {
  return `${event.model} ${event.version}: ${event.phase} (step ${event.step + 1}, canary ${event.weight}%)\n\n${JSON.stringify(event)}\n`;
}

export function parseEventMessage(message: string, where: string): RolloutEvent {
  const json = message.slice(message.indexOf('\n\n') + 2);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new FileFormatError(`${where}: the rollout log entry is not JSON; it was not written by mlship`);
  }
  const parsed = RolloutEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FileFormatError(
      `${where}: the rollout log entry is invalid at ${issue.path.join('.') || '(top)'}: ${issue.message}; it was written by another mlship version or by hand`,
    );
  }
  return parsed.data;
}
