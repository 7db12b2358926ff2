// The root action.yml and docs/actions.md are generated from the actions'
// own action.yml files; a hand edit or a forgotten `npm run build` fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles, readActions } from '../scripts/generate-action-docs.ts';
import { repoRoot } from '../scripts/build-actions.ts';

const actions = readActions();
for (const [file, render] of Object.entries(generatedFiles)) {
  test(`${file} matches the actions' action.yml files`, () => {
    const committed = readFileSync(join(repoRoot, file), 'utf8');
    assert.ok(committed === render(actions), `${file} is out of date: run npm run build and commit it`);
  });
}

test('the root action offers every input of every action, with a command to pick the step', () => {
  const root = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
  for (const [name, yml] of actions) {
    for (const input of Object.keys(yml.inputs)) {
      if (input !== 'command')
        assert.match(root, new RegExp(`^  ${input}:$`, 'm'), `root action.yml lacks ${name}'s input ${input}`);
    }
  }
  assert.match(root, /^  command:$/m);
});
