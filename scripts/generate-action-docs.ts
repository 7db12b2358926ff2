// Writes the root action.yml (the dispatcher's inputs are the union of every
// action's) and docs/actions.md (input and output tables) from the actions'
// own action.yml files, so neither can drift from them; a test checks both.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { actionNames, repoRoot } from './build-actions.ts';
import { ROUTES } from '../actions/dispatch/src/route.ts';

const InputSchema = z.object({
  description: z.string(),
  required: z.boolean().optional(),
  default: z.string().optional(),
});
const ActionSchema = z.object({
  name: z.string(),
  description: z.string(),
  inputs: z.record(z.string(), InputSchema).default({}),
  outputs: z.record(z.string(), z.object({ description: z.string() })).default({}),
  runs: z.object({ using: z.literal('node24'), main: z.string() }),
});
type ActionYml = z.infer<typeof ActionSchema>;

export function readActions(): Map<string, ActionYml> {
  const actions = new Map<string, ActionYml>();
  for (const name of actionNames()) {
    const file = join(repoRoot, 'actions', name, 'action.yml');
    if (!existsSync(file)) continue;
    try {
      actions.set(name, ActionSchema.parse(parse(readFileSync(file, 'utf8'))));
    } catch (error) {
      throw new Error(`actions/${name}/action.yml is not a valid action metadata file: ${(error as Error).message}`);
    }
  }
  return actions;
}

const HEADER = '# Generated from actions/*/action.yml by `npm run build`; edit those files, not this one.\n';

export function renderRootActionYml(actions: Map<string, ActionYml>): string {
  const commands = Object.keys(ROUTES).filter((c) => actions.has(ROUTES[c]!.action));
  const inputs: Record<string, { description: string; required: boolean; default?: string }> = {
    command: { description: `Which mlship step to run: ${commands.join(', ')}.`, required: true },
  };
  const users = new Map<string, { action: string; input: z.infer<typeof InputSchema> }[]>();
  for (const [action, yml] of actions) {
    for (const [name, input] of Object.entries(yml.inputs)) {
      // The registry's own `command` is set from the root command (registry-X).
      if (name === 'command') continue;
      users.set(name, [...(users.get(name) ?? []), { action, input }]);
    }
  }
  for (const [name, uses] of [...users].sort(([a], [b]) => a.localeCompare(b))) {
    const descriptions = [...new Set(uses.map((u) => u.input.description))];
    const description =
      descriptions.length === 1
        ? `(${uses.map((u) => u.action).join(', ')}) ${descriptions[0]}`
        : uses.map((u) => `(${u.action}) ${u.input.description}`).join(' ');
    const defaults = [...new Set(uses.map((u) => u.input.default))];
    inputs[name] = { description, required: false };
    // A default is only safe at the root when every action that reads the input agrees on it.
    if (defaults.length === 1 && defaults[0] !== undefined) inputs[name].default = defaults[0];
  }
  const outputs: Record<string, { description: string }> = {};
  for (const [action, yml] of actions) {
    for (const [name, output] of Object.entries(yml.outputs)) {
      const prior = outputs[name];
      outputs[name] = {
        description: prior
          ? `${prior.description} (${action}) ${output.description}`
          : `(${action}) ${output.description}`,
      };
    }
  }
  const root = {
    name: 'mlship',
    description:
      'GitHub-native MLOps: data tests, model validation, sticky PR reports and a GitHub Releases model registry.',
    author: 'mlship',
    branding: { icon: 'git-pull-request', color: 'purple' },
    inputs,
    outputs,
    // The post step runs the routed action's own post step (train saves its last checkpoint there).
    runs: {
      using: 'node24',
      main: 'actions/dispatch/dist/index.js',
      post: 'actions/dispatch/dist/index.js',
      'post-if': 'always()',
    },
  };
  return HEADER + stringify(root, { lineWidth: 0 });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderActionsDoc(actions: Map<string, ActionYml>): string {
  const lines = [
    '<!-- Generated from actions/*/action.yml by `npm run build`; edit those files, not this one. -->',
    '# Actions',
    '',
    'Each step is its own JavaScript action (`uses: mlship/mlship/actions/NAME@v1`, the major tag each',
    'release moves; pin a full commit SHA of a release to fix the code you run). The root',
    '`action.yml` runs any of them by its `command` input (`report`, `data-test`, `validate`,',
    '`registry-publish`, `registry-promote`, ...) and accepts the union of their inputs.',
    '',
  ];
  for (const [name, yml] of actions) {
    lines.push(`## \`actions/${name}\` — ${yml.name}`, '', yml.description, '');
    lines.push('| input | required | default | description |', '|---|---|---|---|');
    for (const [input, spec] of Object.entries(yml.inputs)) {
      lines.push(
        `| \`${input}\` | ${spec.required ? 'yes' : 'no'} | ${spec.default ? `\`${cell(spec.default)}\`` : ''} | ${cell(spec.description)} |`,
      );
    }
    lines.push('', '| output | description |', '|---|---|');
    for (const [output, spec] of Object.entries(yml.outputs))
      lines.push(`| \`${output}\` | ${cell(spec.description)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

export const generatedFiles = {
  'action.yml': renderRootActionYml,
  'docs/actions.md': renderActionsDoc,
} as const;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const actions = readActions();
  for (const [file, render] of Object.entries(generatedFiles)) {
    writeFileSync(join(repoRoot, file), render(actions));
    console.log(`wrote ${file}`);
  }
}
