// The YAML examples in the docs are what users paste first: every mlship step
// in them must name a real action and pass only inputs it declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/build-actions.ts';
import { readActions } from '../scripts/generate-action-docs.ts';

const actions = readActions();

function* steps(node: unknown): Generator<{ uses: string; with: Record<string, unknown> }> {
  if (Array.isArray(node)) for (const item of node) yield* steps(item);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.uses === 'string')
      yield { uses: record.uses, with: (record.with ?? {}) as Record<string, unknown> };
    for (const value of Object.values(record)) yield* steps(value);
  }
}

const docs = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];
for (const doc of docs) {
  const text = readFileSync(join(repoRoot, doc), 'utf8');
  const blocks = [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const examples = blocks
    .flatMap((block) => {
      try {
        return [...steps(parse(block))];
      } catch {
        return []; // not every YAML block is a workflow (expectations, policies)
      }
    })
    .filter((s) => /(^\.\/actions\/|^mlship\/mlship\/actions\/)/.test(s.uses));
  if (examples.length === 0) continue;
  test(`${doc}: workflow examples use real actions and their inputs`, () => {
    for (const step of examples) {
      const name = /actions\/([a-z-]+)/.exec(step.uses)![1]!;
      const action = actions.get(name);
      assert.ok(action, `${doc}: ${step.uses} names no action`);
      for (const input of Object.keys(step.with))
        assert.ok(input in action.inputs, `${doc}: ${name} has no input '${input}'`);
    }
  });
}
