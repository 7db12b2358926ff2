// The root action: runs the bundled action its `command` names, in a child
// process with the same environment, so each step's bundle stays the one
// that is tested on its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { runAction } from '@mlship/actions-kit';
import { routeCommand, ROUTES, type Route } from './route.ts';

await runAction(async () => {
  // The runner runs this file again as the post step (with the state saved here first): only an action
  // with a post step of its own (train) has work there, and a bad command was reported once already.
  if (core.getState('dispatched') === 'true') {
    const route = ROUTES[core.getInput('command').trim()];
    if (route?.post) run(route);
    return;
  }
  core.saveState('dispatched', 'true');
  run(routeCommand(core.getInput('command')));
});

function run(route: Route): void {
  const entry = fileURLToPath(new URL(`../../${route.action}/dist/index.js`, import.meta.url));
  const child = spawnSync(process.execPath, [entry], { stdio: 'inherit', env: { ...process.env, ...route.env } });
  process.exitCode = child.status ?? 1;
}
