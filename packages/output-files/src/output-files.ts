// Where a command writes its results: checked before the work starts, and
// written all or nothing. A directory that is a file, a path under a file, a
// name too long for the file system or a full disk is one line naming the
// path, and a failed run leaves no directory it created and no partial file.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError } from '@mlship/errors';

/** How the user names the location, for messages: "output directory", "--output". */
export interface OutputOptions {
  what: string;
  /** Where the user sets it, e.g. "--output-dir, action input 'output-dir'". */
  setBy?: string;
}

/**
 * Refuses a directory that cannot be created or written: the path is a file,
 * or one of its parents is. Call it before the work, so a wrong path fails in
 * a second instead of after the data was read.
 */
export async function checkOutputDirectory(dir: string, options: OutputOptions): Promise<void> {
  const { existing, isDirectory, tooLong } = await nearestExisting(resolve(dir));
  if (tooLong) throw outputError(`${options.what} '${dir}': ${REASONS.ENAMETOOLONG}`, options);
  if (isDirectory) return;
  throw outputError(
    existing === resolve(dir)
      ? `${options.what} '${dir}' is a file; give a directory path (it is created when missing)`
      : `${options.what} '${dir}' cannot be created: '${existing}' is a file; give a directory path`,
    options,
  );
}

/** Refuses a file path that cannot be written: it is a directory, or a parent is a file. */
export async function checkOutputFile(path: string, options: OutputOptions): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw outputError(`${options.what} '${path}' is a directory; give a file path`, options);
  const { existing, isDirectory, tooLong } = await nearestExisting(resolve(path));
  if (tooLong) throw outputError(`${options.what} '${path}': ${REASONS.ENAMETOOLONG}`, options);
  if (!isDirectory && existing !== resolve(path))
    throw outputError(
      `${options.what} '${path}' cannot be written: '${existing}' is a file; give a path in a directory`,
      options,
    );
}

/**
 * Writes every file into `dir` or none: each goes to a temporary name first
 * and is renamed once all are written; on failure the temporary files and
 * the directories this call created are removed.
 */
export async function writeOutputFiles(
  dir: string,
  files: Record<string, string | Uint8Array>,
  options: OutputOptions,
): Promise<void> {
  await checkOutputDirectory(dir, options);
  const created = await missingDirectories(resolve(dir));
  const suffix = `.partial-${randomBytes(4).toString('hex')}`;
  const written: string[] = [];
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      const temporary = join(dir, `${name}${suffix}`);
      written.push(temporary);
      await writeFile(temporary, content);
    }
    for (const name of Object.keys(files)) await rename(join(dir, `${name}${suffix}`), join(dir, name));
  } catch (error) {
    await Promise.all(written.map((path) => rm(path, { force: true }).catch(() => undefined)));
    for (const path of created) await rmdir(path).catch(() => undefined);
    throw writeError(error, dir, options);
  }
}

/** Writes one file, all or nothing (a temporary name renamed when complete). */
export async function writeOutputFile(
  path: string,
  content: string | Uint8Array,
  options: OutputOptions,
): Promise<void> {
  await checkOutputFile(path, options);
  const temporary = `${path}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw writeError(error, path, options);
  }
}

/** The longest file name Linux, macOS and Windows file systems take, in bytes. */
const NAME_MAX_BYTES = 255;

/**
 * The deepest existing path at or above `path`, and whether it is a
 * directory; `tooLong` when a name in it is longer than file systems take
 * (the kernel says so only once the names before it exist, after the work).
 */
async function nearestExisting(path: string): Promise<{ existing: string; isDirectory: boolean; tooLong?: true }> {
  if (path.split(sep).some((name) => Buffer.byteLength(name) > NAME_MAX_BYTES))
    return { existing: path, isDirectory: false, tooLong: true };
  for (let at = path; ; at = dirname(at)) {
    let tooLong = false;
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => {
      tooLong = error.code === 'ENAMETOOLONG';
      // ENOTDIR: a parent is a file; keep walking up to name it.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || tooLong) return undefined;
      throw error;
    });
    if (tooLong) return { existing: at, isDirectory: false, tooLong: true };
    if (info) return { existing: at, isDirectory: info.isDirectory() };
    if (dirname(at) === at) return { existing: at, isDirectory: true };
  }
}

/** The directories `mkdir -p dir` would create, deepest first. */
async function missingDirectories(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = dir; dirname(at) !== at; at = dirname(at)) {
    if (
      await stat(at).then(
        () => true,
        () => false,
      )
    )
      break;
    missing.push(at);
  }
  return missing;
}

const REASONS: Record<string, string> = {
  ENAMETOOLONG: 'a name in the path is too long for the file system; use a shorter path',
  EACCES: 'permission denied; choose a writable location',
  EPERM: 'permission denied; choose a writable location',
  EROFS: 'the file system is read-only; choose a writable location',
  ENOSPC: 'the disk is full; free space or choose another location',
  EDQUOT: 'the disk quota is exceeded; free space or choose another location',
  ENOTDIR: 'a parent of it is a file; give a directory path',
  EEXIST: 'a file is in the way; give a directory path',
  EISDIR: 'it is a directory; give a file path',
};

function writeError(error: unknown, path: string, options: OutputOptions): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code && REASONS[code]) ?? `it cannot be written (${code ?? (error as Error).message})`;
  return outputError(`${options.what} '${path}': ${reason}`, options, error);
}

function outputError(message: string, options: OutputOptions, cause?: unknown): InputError {
  return new InputError(`${message}${options.setBy ? ` (${options.setBy})` : ''}`, cause ? { cause } : {});
}
