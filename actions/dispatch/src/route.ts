import { InputError } from '@mlship/errors';

/** Which bundled action a root `command` runs, and the inputs it sets for it. */
export interface Route {
  action: string;
  env: Record<string, string>;
  /** The action has a post step, which the root's post step runs. */
  post?: true;
}

// The registry action has its own `command` input (publish, promote...), which
// the root action's `command` would shadow; so the root spells it registry-X.
export const REGISTRY_COMMANDS = [
  'publish',
  'resolve',
  'download',
  'promote',
  'rollback',
  'deprecate',
  'history',
  'list',
] as const;

export const ROUTES: Record<string, Route> = {
  report: { action: 'report', env: {} },
  'data-test': { action: 'data-test', env: {} },
  validate: { action: 'validate', env: {} },
  train: { action: 'train', env: {}, post: true },
  monitor: { action: 'monitor', env: {} },
  'retrain-pr': { action: 'retrain-pr', env: {} },
  ...Object.fromEntries(
    REGISTRY_COMMANDS.map((c) => [`registry-${c}`, { action: 'registry', env: { INPUT_COMMAND: c } }]),
  ),
};

export function routeCommand(command: string): Route {
  const route = ROUTES[command.trim()];
  if (!route) {
    const given = command.trim() === '' ? 'is required' : `'${command}' is not an mlship command`;
    throw new InputError(`input 'command' ${given}; use one of: ${Object.keys(ROUTES).join(', ')}`);
  }
  return route;
}
