// One entry of a model's append-only event log. Its counter N is taken by an
// atomic create (a file opened O_EXCL, or `POST /git/refs`), so the log is a
// single order every reader agrees on; each entry carries the state after it,
// so the newest entry answers `NAME@prod` without replaying history.
import { z } from 'zod';
import { RegistryStateSchema } from './registry-state.ts';

export const RegistryEventSchema = z.object({
  schemaVersion: z.literal(1),
  counter: z.number().int().positive(),
  action: z.enum(['register', 'deregister', 'assign', 'unassign', 'deprecate']),
  name: z.string(),
  version: z.string().optional(),
  stage: z.string().optional(),
  /** The GTO tag that records this event for GTO and git users. */
  tag: z.string(),
  /** The git commit the event's tag points at (the version's commit). */
  commit: z.string(),
  actor: z.string(),
  createdAt: z.string(),
  /** Why, in the user's words (`--message`), or what mlship did (rollback). */
  message: z.string().optional(),
  /** The operation (workflow run, or `--operation-id`) that made the change, when one was given. */
  operation: z.string().optional(),
  state: RegistryStateSchema,
});
export type RegistryEvent = z.infer<typeof RegistryEventSchema>;

/** A date as GitHub takes a tagger's: `YYYY-MM-DDTHH:MM:SSZ`, whole seconds. */
export function wholeSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * An event's date: now, but at least one second after the event before it.
 * GTO orders tags by their date in whole seconds and lets an unassignment win
 * a tie, so events within one second (assign, rollback, re-promote) would read
 * differently in GTO than in the log; strictly increasing dates keep GTO's
 * order the log's.
 */
export function nextEventTime(now: Date, previous: string | undefined): string {
  const floor = Math.floor(now.getTime() / 1000) * 1000;
  const previousMs = previous === undefined ? NaN : Date.parse(previous);
  const after = Number.isFinite(previousMs) ? Math.floor(previousMs / 1000) * 1000 + 1000 : -Infinity;
  return wholeSeconds(new Date(Math.max(floor, after)));
}

const TRAILER = 'mlship-event: ';

/** A GTO-style first line, then the event as one JSON line (tag messages). */
export function formatEventMessage(event: RegistryEvent): string {
  return `${describeEvent(event)}\n\n${TRAILER}${JSON.stringify(event)}\n`;
}

export function parseEventMessage(message: string): RegistryEvent | null {
  const line = message.split('\n').find((l) => l.startsWith(TRAILER));
  if (!line) return null;
  const parsed = RegistryEventSchema.safeParse(JSON.parse(line.slice(TRAILER.length)));
  return parsed.success ? parsed.data : null;
}

export function describeEvent(e: Pick<RegistryEvent, 'action' | 'name' | 'version' | 'stage'>): string {
  switch (e.action) {
    case 'register':
      return `Registering artifact ${e.name} version ${e.version}`;
    case 'deregister':
      return `Deregistering artifact ${e.name} version ${e.version}`;
    case 'assign':
      return `Assigning stage ${e.stage} to artifact ${e.name} version ${e.version}`;
    case 'unassign':
      return `Unassigning stage ${e.stage} from artifact ${e.name} version ${e.version}`;
    case 'deprecate':
      return `Deprecating artifact ${e.name}`;
  }
}
