// A fresh workspace per bad-input row: the files the row names, written from
// text, bytes or the shared fixtures, plus a private TMPDIR and HOME, and a
// snapshot to prove afterwards that the failed run left nothing behind.
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** What a row puts at a path in its workspace. */
export type FileSpec =
  | string
  | Uint8Array
  /** A copy of a shared fixture file (see fixtures.ts). */
  | { fixture: string }
  | { dir: true }
  /** A sparse file of this many NUL bytes: large on paper, no disk used. */
  | { sparseBytes: number };

export interface Workspace {
  /** The working directory (GITHUB_WORKSPACE for actions). */
  dir: string;
  /** TMPDIR and HOME of the run: must stay empty. */
  tmp: string;
  home: string;
  remove(): void;
}

export function createWorkspace(files: Record<string, FileSpec>, fixtures: Record<string, string>): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'mlship-bad-input-'));
  const dir = join(root, 'workspace');
  const tmp = join(root, 'tmp');
  const home = join(root, 'home');
  for (const d of [dir, tmp, home]) mkdirSync(d);
  for (const [path, spec] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof spec === 'string' || spec instanceof Uint8Array) writeFileSync(target, spec);
    else if ('dir' in spec) mkdirSync(target, { recursive: true });
    else if ('sparseBytes' in spec) {
      writeFileSync(target, '');
      truncateSync(target, spec.sparseBytes);
    } else {
      const source = fixtures[spec.fixture];
      if (!source) throw new Error(`no fixture '${spec.fixture}'`);
      cpSync(source, target, { recursive: true });
    }
  }
  return { dir, tmp, home, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Every file and folder under `dir` with its content digest (size and mtime
 * for large files), so a later snapshot shows anything created, changed or
 * removed.
 */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const name = relative(dir, path);
    if (entry.isDirectory()) out.set(name, 'dir');
    else {
      const info = statSync(path);
      out.set(
        name,
        info.size > 4 * 1024 * 1024
          ? `${info.size} bytes, modified ${info.mtimeMs}`
          : createHash('sha256').update(readFileSync(path)).digest('hex'),
      );
    }
  }
  return out;
}

/** The paths whose presence or content differs between two snapshots. */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [path, digest] of after) if (before.get(path) !== digest) changed.add(path);
  for (const path of before.keys()) if (!after.has(path)) changed.add(path);
  return [...changed].sort();
}
