import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { checkOutputDirectory, checkOutputFile, writeOutputFile, writeOutputFiles } from './output-files.ts';

const OPTIONS = { what: 'output directory', setBy: "action input 'output-dir'" };

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'mlship-output-'));
}

async function refused(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, message);
    assert.equal(e.message.split('\n').length, 1);
    return true;
  });
}

test('a new directory, nested, is created and every file written', async () => {
  const dir = scratch();
  try {
    await writeOutputFiles(join(dir, 'a', 'b'), { 'x.json': '{}\n', 'y.md': '# y\n' }, OPTIONS);
    assert.deepEqual(readdirSync(join(dir, 'a', 'b')).sort(), ['x.json', 'y.md']);
    assert.equal(readFileSync(join(dir, 'a', 'b', 'y.md'), 'utf8'), '# y\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory that is a file, or under a file, is refused naming it, before anything is written', async () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, 'out'), 'x');
    await refused(
      checkOutputDirectory(join(dir, 'out'), OPTIONS),
      /^output directory '.*\/out' is a file; give a directory path \(it is created when missing\) \(action input 'output-dir'\)$/,
    );
    await refused(
      writeOutputFiles(join(dir, 'out', 'deeper', 'still'), { 'x.json': '{}' }, OPTIONS),
      /^output directory '.*\/out\/deeper\/still' cannot be created: '.*\/out' is a file; give a directory path/,
    );
    assert.deepEqual(readdirSync(dir), ['out']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file path that is a directory, or under a file, is refused', async () => {
  const dir = scratch();
  try {
    mkdirSync(join(dir, 'profiles'));
    writeFileSync(join(dir, 'file'), 'x');
    await refused(checkOutputFile(join(dir, 'profiles'), { what: '--output' }), /--output '.*profiles' is a directory/);
    await refused(
      writeOutputFile(join(dir, 'file', 'p.json'), '{}', { what: '--output' }),
      /^--output '.*\/file\/p\.json' cannot be written: '.*\/file' is a file; give a path in a directory$/,
    );
    assert.deepEqual(readdirSync(dir).sort(), ['file', 'profiles']);
    // An existing file is replaced, not refused.
    await checkOutputFile(join(dir, 'file'), { what: '--output' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed write leaves no partial file and removes the directories it created', async (t) => {
  if (process.getuid?.() === 0) return t.skip('root writes anywhere: no way to make a write fail by permissions');
  const dir = scratch();
  try {
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o500);
    await refused(
      writeOutputFiles(join(dir, 'locked', 'run'), { 'a.json': '{}' }, OPTIONS),
      /permission denied; choose a writable location/,
    );
    assert.deepEqual(readdirSync(join(dir, 'locked')), []);
  } finally {
    chmodSync(join(dir, 'locked'), 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a name too long for the file system is one line, and nothing is left', async () => {
  const dir = scratch();
  try {
    // Refused by the check before the work, not only when the write fails.
    await refused(
      checkOutputDirectory(join(dir, 'runs', 'm'.repeat(300)), OPTIONS),
      /^output directory '.*\/runs\/m{300}': a name in the path is too long for the file system; use a shorter path \(action input 'output-dir'\)$/,
    );
    await refused(checkOutputFile(join(dir, `${'p'.repeat(300)}.json`), { what: '--output' }), /too long/);
    await refused(
      writeOutputFiles(join(dir, 'runs', 'm'.repeat(300)), { 'a.json': '{}' }, OPTIONS),
      /a name in the path is too long for the file system; use a shorter path/,
    );
    await refused(
      writeOutputFile(join(dir, `${'p'.repeat(300)}.json`), '{}', { what: '--output' }),
      /too long for the file system/,
    );
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files are replaced whole: a rewrite never shows a half-written file', async () => {
  const dir = scratch();
  try {
    await writeOutputFiles(dir, { 'r.json': 'old' }, OPTIONS);
    await writeOutputFiles(dir, { 'r.json': 'new' }, OPTIONS);
    assert.deepEqual(readdirSync(dir), ['r.json']);
    assert.equal(readFileSync(join(dir, 'r.json'), 'utf8'), 'new');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
