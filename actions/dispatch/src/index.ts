// The root action: runs the bundled action its `command` names, in a child
// process with the same environment, so each step's bundle stays the one
// that is tested on its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import { runAction } from '@mlship/actions-kit';
import { routeCommand } from './route.ts';

await runAction(async () => {
  const route = routeCommand(core.getInput('command'));
  const entry = fileURLToPath(new URL(`../../${route.action}/dist/index.js`, import.meta.url));
  const child = spawnSync(process.execPath, [entry], { stdio: 'inherit', env: { ...process.env, ...route.env } });
  process.exitCode = child.status ?? 1;
});
