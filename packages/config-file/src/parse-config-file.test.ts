import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { FileFormatError, InputError, type UserError } from '@mlship/errors';
import { parseConfigFile } from './parse-config-file.ts';
import { MAX_CONFIG_BYTES, readConfigFile } from './read-config-file.ts';

const Schema = z.strictObject({
  name: z.string().min(1),
  mode: z.enum(['fast', 'exact']).default('fast'),
  bootstrap: z
    .strictObject({ replicates: z.number().int().min(100).default(1000), seed: z.number().int().default(1) })
    .prefault({}),
  gates: z.array(z.strictObject({ metric: z.string(), max_drop: z.number().nonnegative() })).default([]),
  columns: z.record(z.string(), z.strictObject({ min: z.number().optional() })).default({}),
});

function failure(text: string, schema: z.ZodType = Schema): FileFormatError {
  try {
    parseConfigFile(schema, text, 'p.yml');
  } catch (error) {
    assert.ok(error instanceof FileFormatError, String(error));
    assert.equal(error.message.split('\n').length, 1, 'one line');
    return error;
  }
  assert.fail('expected an error');
}

test('a valid file gives the parsed value with defaults, and positions of its keys', () => {
  const loaded = parseConfigFile(Schema, 'name: churn\ngates:\n  - metric: accuracy\n    max_drop: 0.01\n', 'p.yml');
  assert.deepEqual(loaded.value, {
    name: 'churn',
    mode: 'fast',
    bootstrap: { replicates: 1000, seed: 1 },
    gates: [{ metric: 'accuracy', max_drop: 0.01 }],
    columns: {},
  });
  assert.deepEqual(loaded.positionOf(['gates', 0, 'max_drop']), { line: 4, column: 5 });
  assert.deepEqual(loaded.positionOf(['gates', 0]), { line: 3, column: 5 });
  // Not written: the nearest written ancestor.
  assert.deepEqual(loaded.positionOf(['bootstrap', 'seed']), { line: 1, column: 1 });
});

test('a wrong type is reported at the value, with the path, what was expected and what is there', () => {
  const e = failure('name: churn\nbootstrap:\n  replicates: many\n');
  assert.equal(e.message, `p.yml:3:15: bootstrap.replicates: expected a number, got 'many'`);
  assert.deepEqual(e.location, { file: 'p.yml', line: 3, column: 15 });
});

test('every issue is reported, in file order, and the error is located at the first', () => {
  const e = failure('bootstrap:\n  replicates: 5\ngates:\n  - metric: accuracy\n    max_drop: -1\nmode: slow\n');
  assert.equal(
    e.message,
    [
      'p.yml:1:1: name: required; add it (text)',
      'p.yml:2:15: bootstrap.replicates: must be >= 100, got 5',
      'p.yml:5:15: gates[0].max_drop: must be >= 0, got -1',
      `p.yml:6:7: mode: 'slow' is not one of: fast, exact`,
    ].join('; '),
  );
  assert.deepEqual(e.location, { file: 'p.yml', line: 1, column: 1 });
});

test('an unknown key is reported at the key, with the key that was meant or the keys allowed', () => {
  assert.equal(
    failure('name: x\nbootstrap:\n  replicates: 1000\n  seeed: 3\n').message,
    `p.yml:4:3: bootstrap.seeed: unknown key 'seeed'; did you mean 'seed'?`,
  );
  assert.equal(
    failure('name: x\ncolour: red\n').message,
    `p.yml:2:1: colour: unknown key 'colour'; the keys here are: name, mode, bootstrap, gates, columns`,
  );
  // Inside a record of objects and a list of objects.
  assert.match(failure('name: x\ncolumns:\n  age: { mn: 3 }\n').message, /^p\.yml:3:10: columns\.age\.mn: .*'min'/);
  assert.equal(
    failure('name: x\ngates:\n  - { metric: a, maxdrop: 1 }\n').message,
    `p.yml:3:5: gates[0].max_drop: required; add it (a number); p.yml:3:18: gates[0].maxdrop: unknown key 'maxdrop'; did you mean 'max_drop'?`,
  );
});

test('a missing required key inside a list item points at the item', () => {
  assert.equal(
    failure('name: x\ngates:\n  - metric: accuracy\n').message,
    'p.yml:3:5: gates[0].max_drop: required; add it (a number)',
  );
});

test('an empty value is named as such', () => {
  assert.equal(failure('name:\n').message, 'p.yml:1:1: name: expected text, got null (an empty value)');
});

test('YAML syntax errors and duplicate keys name their line and column', () => {
  assert.match(failure('name: x\ngates: [\n').message, /^p\.yml:\d+:\d+: invalid YAML: /);
  assert.equal(failure('name: x\nmode: fast\nname: y\n').message, `p.yml:3:1: duplicate key 'name'; keep one of them`);
  assert.match(failure('name: x\n---\nname: y\n').message, /^p\.yml:2:1: invalid YAML: .*multiple documents/);
  assert.match(failure('name: *nowhere\n').message, /^p\.yml:1:1: invalid YAML: .*alias/i);
});

test('aliases that would expand without bound are refused', () => {
  let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++)
    text += `k${i}: &k${i} [${Array(10)
      .fill(i === 1 ? '*a' : `*k${i - 1}`)
      .join(', ')}]\n`;
  assert.match(failure(text).message, /invalid YAML: .*alias/i);
});

test('an empty file, or one of comments only, is refused', () => {
  assert.equal(failure('').message, 'p.yml:1:1: the file is empty; write the settings in it');
  assert.match(failure('# nothing yet\n').message, /the file is empty/);
});

test('a file whose top level is not a mapping says so', () => {
  assert.equal(failure('- a\n- b\n').message, 'p.yml:1:1: expected a mapping (key: value), got a list');
  assert.equal(failure('just text\n').message, `p.yml:1:1: expected a mapping (key: value), got 'just text'`);
});

test('JSON is read too, with positions', () => {
  assert.equal(
    failure('{\n  "name": "x",\n  "mode": 3\n}\n').message,
    `p.yml:3:11: mode: 3 is not one of: fast, exact`,
  );
});

test('keys and values from the file stay on one line in the message', () => {
  const e = failure('name: x\ncolumns:\n  "a\\nb": { mn: 1 }\n');
  assert.match(e.message, /columns\["a\\nb"\]\.mn/);
  const long = failure(`name: x\nmode: "${'z'.repeat(500)}\\nline"\n`);
  assert.ok(long.message.length < 200, long.message);
});

test('more than ten issues are listed up to ten and counted', () => {
  const text = `name: x\n${Array.from({ length: 14 }, (_, i) => `extra${i}: 1`).join('\n')}\n`;
  const e = failure(text);
  assert.equal(e.message.match(/unknown key/g)?.length, 10);
  assert.match(e.message, /; and 4 more$/);
});

test('the documentation pointer is appended once', () => {
  try {
    parseConfigFile(Schema, 'mode: 1\n', 'p.yml', { help: 'see docs/x.md' });
    assert.fail('expected an error');
  } catch (error) {
    assert.match((error as Error).message, /; see docs\/x\.md$/);
  }
});

test('errorAt locates a rule checked after parsing at the value it is about', () => {
  const loaded = parseConfigFile(Schema, 'name: x\ngates:\n  - metric: rmse\n    max_drop: 1\n', 'p.yml');
  const e = loaded.errorAt(['gates', 0, 'metric'], `metric 'rmse' does not apply to classification`);
  assert.equal(e.message, `p.yml:3:13: gates[0].metric: metric 'rmse' does not apply to classification`);
  assert.deepEqual(e.location, { file: 'p.yml', line: 3, column: 13 });
});

test('reading: a missing file, a directory, a binary or an oversized file is one line naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-config-'));
  try {
    const read = async (path: string): Promise<UserError> => {
      try {
        await readConfigFile(Schema, path, { what: 'policy', file: 'policy.yml' });
      } catch (error) {
        assert.ok(error instanceof InputError || error instanceof FileFormatError, String(error));
        assert.equal(error.message.split('\n').length, 1);
        return error;
      }
      assert.fail('expected an error');
    };
    assert.equal(
      (await read(join(dir, 'none.yml'))).message,
      'policy.yml: policy file not found; check the path (relative to the workspace)',
    );
    mkdirSync(join(dir, 'folder'));
    assert.match(
      (await read(join(dir, 'folder'))).message,
      /^policy\.yml: is a directory; give the path of the policy/,
    );
    writeFileSync(join(dir, 'binary.yml'), Buffer.from([0x6e, 0x61, 0x00, 0x01, 0x02]));
    assert.match((await read(join(dir, 'binary.yml'))).message, /^policy\.yml: is binary/);
    writeFileSync(join(dir, 'huge.yml'), '');
    const { truncateSync } = await import('node:fs');
    truncateSync(join(dir, 'huge.yml'), MAX_CONFIG_BYTES + 1);
    assert.match((await read(join(dir, 'huge.yml'))).message, /too large for a policy file/);
    writeFileSync(join(dir, 'file'), 'x');
    assert.match((await read(join(dir, 'file', 'p.yml'))).message, /a folder on its path is a file/);
    writeFileSync(join(dir, 'ok.yml'), 'name: churn\n');
    const ok = await readConfigFile(Schema, join(dir, 'ok.yml'), { what: 'policy', file: 'ok.yml' });
    assert.equal(ok.value.name, 'churn');
    assert.equal(ok.file, 'ok.yml');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key cut short is answered with the key it starts', () => {
  assert.equal(
    failure('name: x\nbootstrap:\n  rep: 5\n').message,
    `p.yml:3:3: bootstrap.rep: unknown key 'rep'; did you mean 'replicates'?`,
  );
});
