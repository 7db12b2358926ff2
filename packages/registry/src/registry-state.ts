// The registry's state as a pure fold over its events, following GTO's rules:
// a stage's current version is the latest assignment not undone (by an
// unassignment or by deregistering the version). Each stage keeps a stack of
// still-assigned versions, so unassigning the top (a rollback) uncovers the
// version that held the stage before.
import { z } from 'zod';
import type { TagAction } from './tag-grammar.ts';
import { compareVersions, highestVersion } from './version-bump.ts';

export const RegistryStateSchema = z.object({
  /** Registered, not deregistered; ascending SemVer. */
  versions: z.array(z.string()),
  /** Per stage, still-assigned versions in assignment order; the last holds the stage. */
  stages: z.record(z.string(), z.array(z.string())),
  /** Deregistered versions: a re-run of their publish must not bring them back. */
  deregistered: z.array(z.string()).default([]),
  deprecated: z.boolean(),
  /**
   * The newest stage changes made under an operation id (a workflow run), by
   * key, with the counter of the event that made each: a re-run of the run
   * finds its change here and finishes it instead of making a second one.
   */
  operations: z.array(z.object({ key: z.string(), counter: z.number().int().positive() })).default([]),
});
export type RegistryState = z.infer<typeof RegistryStateSchema>;

export const EMPTY_STATE: RegistryState = {
  versions: [],
  stages: {},
  deregistered: [],
  deprecated: false,
  operations: [],
};

/** How many operations the state remembers: a re-run after this many other stage changes is not recognised. */
export const REMEMBERED_OPERATIONS = 64;

/** The state with the operation that made event `counter` remembered (the oldest forgotten past the bound). */
export function rememberOperation(state: RegistryState, key: string, counter: number): RegistryState {
  const kept = state.operations.filter((o) => o.key !== key).slice(-(REMEMBERED_OPERATIONS - 1));
  return { ...state, operations: [...kept, { key, counter }] };
}

/** The counter of the event an operation made, if the state remembers it. */
export function operationEvent(state: RegistryState, key: string): number | undefined {
  return state.operations.find((o) => o.key === key)?.counter;
}

export interface StateChange {
  action: TagAction;
  version?: string | undefined;
  stage?: string | undefined;
}

export function applyChange(state: RegistryState, change: StateChange): RegistryState {
  const stages = { ...state.stages };
  const without = (list: readonly string[] | undefined, v: string) => (list ?? []).filter((x) => x !== v);
  switch (change.action) {
    case 'register': {
      const v = change.version!;
      if (state.versions.includes(v)) return state;
      return { ...state, versions: [...state.versions, v].sort(compareVersions) };
    }
    case 'deregister': {
      const v = change.version!;
      for (const stage of Object.keys(stages)) stages[stage] = without(stages[stage], v);
      const deregistered = state.deregistered.includes(v) ? state.deregistered : [...state.deregistered, v];
      return { ...state, versions: state.versions.filter((x) => x !== v), stages: prune(stages), deregistered };
    }
    case 'assign': {
      const v = change.version!;
      // GTO ignores assignments of versions it does not know; so do we.
      if (!state.versions.includes(v)) return state;
      stages[change.stage!] = [...without(stages[change.stage!], v), v];
      return { ...state, stages };
    }
    case 'unassign': {
      stages[change.stage!] = without(stages[change.stage!], change.version!);
      return { ...state, stages: prune(stages) };
    }
    case 'deprecate':
      return { ...state, deprecated: true };
  }
}

function prune(stages: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(stages).filter(([, list]) => list.length > 0));
}

export function foldChanges(changes: Iterable<StateChange>, from: RegistryState = EMPTY_STATE): RegistryState {
  let state = from;
  for (const change of changes) state = applyChange(state, change);
  return state;
}

export function currentVersion(state: RegistryState, stage: string): string | undefined {
  return state.stages[stage]?.at(-1);
}

export function latestVersion(state: RegistryState): string | undefined {
  return highestVersion(state.versions);
}

/** Stage -> version currently holding it. */
export function stageMap(state: RegistryState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [stage, list] of Object.entries(state.stages)) {
    const top = list.at(-1);
    if (top) out[stage] = top;
  }
  return out;
}
