// A model's event log over a store: find the newest event (head, then forward),
// and append one event at the next counter, re-planning when another writer
// took that counter first.
import { createHash } from 'node:crypto';
import { RegistryConflictError } from './registry-errors.ts';
import { nextEventTime, type RegistryEvent } from './registry-event.ts';
import {
  applyChange,
  EMPTY_STATE,
  operationEvent,
  rememberOperation,
  type RegistryState,
  type StateChange,
} from './registry-state.ts';
import type { RegistryStore } from './registry-store.ts';
import { formatGtoTag, type GtoTag } from './tag-grammar.ts';

// A stale head is a few events behind at most (writers move it right after
// appending); the bound turns a corrupt log into an error instead of a loop.
const MAX_EVENTS_BEHIND_HEAD = 1000;

export interface PlannedEvent {
  change: StateChange;
  tag: GtoTag;
  commit: string;
  message?: string | undefined;
}

export interface EventLogOptions {
  actor: string;
  clock: () => Date;
  /** Retries of a change that other jobs keep beating to the next counter stop at whichever bound comes first. */
  maxAttempts: number;
  retryForMs: number;
  sleep: (ms: number) => Promise<void>;
}

export interface AppendResult {
  event: RegistryEvent;
  /** True when an earlier run of the same operation made the change; nothing new was written. */
  replayed: boolean;
}

/**
 * How long to wait after losing the race for a counter: random up to a cap that
 * doubles per attempt ("full jitter"), so N parallel jobs spread out instead of
 * colliding again in lockstep.
 */
export function conflictBackoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(2000, 25 * 2 ** Math.min(attempt, 10)));
}

export class EventLog {
  private readonly store: RegistryStore;
  private readonly options: EventLogOptions;

  constructor(store: RegistryStore, options: EventLogOptions) {
    this.store = store;
    this.options = options;
  }

  /** The newest event; with `repair`, events found past the head get their GTO tags and the head moves to them. */
  async latest(name: string, repair = false): Promise<RegistryEvent | null> {
    let event = await this.store.readHead(name);
    const walked: RegistryEvent[] = [];
    for (let i = 0; i < MAX_EVENTS_BEHIND_HEAD; i++) {
      const next = await this.store.readEvent(name, (event?.counter ?? 0) + 1);
      if (!next) {
        if (repair && event && walked.length > 0) {
          for (const e of walked) await this.store.ensureGtoTag(e);
          await this.store.writeHead(event);
        }
        return event;
      }
      walked.push(next);
      event = next;
    }
    throw new RegistryConflictError(
      `the event log of ${name} runs more than ${MAX_EVENTS_BEHIND_HEAD} events past its head; run 'mlship registry history ${name}' to inspect it`,
    );
  }

  /**
   * Appends one event: reads the newest state, lets `plan` decide (null: nothing
   * to do), and takes the next counter atomically. When another job took it,
   * re-reads and plans again, so rules are always checked against the state
   * the event lands on. `operation` names the run (`id`) and the change
   * within it (e.g. `unassign prod`): when that run already made the change,
   * its event is returned (its GTO tag and the head repaired by the read) and
   * nothing is written, so a re-run of a failed job finishes its change
   * instead of making a second one.
   */
  async append(
    name: string,
    plan: (state: RegistryState) => Promise<PlannedEvent | null> | PlannedEvent | null,
    operation?: { id: string; change: string },
  ): Promise<AppendResult | null> {
    const key = operation ? operationKey(operation.id, operation.change) : undefined;
    const started = performance.now();
    let attempt = 1;
    for (; attempt <= this.options.maxAttempts; attempt++) {
      const head = await this.latest(name, true);
      const state = head?.state ?? EMPTY_STATE;
      const done = key === undefined ? undefined : operationEvent(state, key);
      const earlier = done === undefined ? null : await this.store.readEvent(name, done);
      if (earlier) return { event: earlier, replayed: true };
      const planned = await plan(state);
      if (!planned) return null;
      const counter = (head?.counter ?? 0) + 1;
      const event: RegistryEvent = {
        schemaVersion: 1,
        counter,
        action: planned.change.action,
        name,
        ...(planned.change.version ? { version: planned.change.version } : {}),
        ...(planned.change.stage ? { stage: planned.change.stage } : {}),
        // Registrations keep GTO's plain `name@vX.Y.Z`; every other event carries the counter.
        tag: formatGtoTag(planned.tag.action === 'register' ? planned.tag : { ...planned.tag, counter }),
        commit: planned.commit,
        actor: this.options.actor,
        createdAt: nextEventTime(this.options.clock(), head?.createdAt),
        ...(planned.message ? { message: planned.message } : {}),
        ...(operation ? { operation: operation.id } : {}),
        state: key
          ? rememberOperation(applyChange(state, planned.change), key, counter)
          : applyChange(state, planned.change),
      };
      if (await this.store.appendEvent(event)) {
        await this.store.writeHead(event);
        return { event, replayed: false };
      }
      if (performance.now() - started >= this.options.retryForMs) break;
      await this.options.sleep(conflictBackoffMs(attempt));
    }
    const seconds = Math.round((performance.now() - started) / 1000);
    throw new RegistryConflictError(
      `other jobs changed ${name} ${Math.min(attempt, this.options.maxAttempts)} times in ${seconds} s while this change was retried; re-run the job (nothing was written)`,
    );
  }
}

/** The key a change is remembered by: short, and not the operation id itself (which may be long). */
function operationKey(operationId: string, operation: string): string {
  return createHash('sha256').update(`${operationId}\0${operation}`).digest('hex').slice(0, 24);
}
