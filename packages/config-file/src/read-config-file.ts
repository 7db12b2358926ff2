// Reads a settings file for the loader: a missing file, a directory, an
// unreadable, oversized or binary file is one line naming the file and the
// input it came from, before any parsing.
import { open } from 'node:fs/promises';
import type { z } from 'zod';
import { FileFormatError, InputError } from '@mlship/errors';
import { parseConfigFile, type ConfigFile, type ConfigFileOptions } from './parse-config-file.ts';

/** Settings files are hand-written; anything larger is the wrong file, and is not read into memory. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export interface ReadConfigFileOptions extends ConfigFileOptions {
  /** What the file is, for messages: 'policy', 'expectations', 'stage policy'. */
  what: string;
  /** The name shown to the user (relative to the workspace); the path read when absent. */
  file?: string;
}

export async function readConfigFile<S extends z.ZodType>(
  schema: S,
  path: string,
  options: ReadConfigFileOptions,
): Promise<ConfigFile<z.output<S>>> {
  const file = options.file ?? path;
  const text = await readSettingsText(path, file, options.what);
  return parseConfigFile(schema, text, file, options);
}

/** The text of a hand-written settings file, or one clear error. */
export async function readSettingsText(path: string, file: string, what: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw openError(error, file, what);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputError(`${file}: is a directory; give the path of the ${what} file`);
    if (info.size > MAX_CONFIG_BYTES)
      throw new FileFormatError(
        `${file}: ${info.size} bytes is too large for a ${what} file (at most ${MAX_CONFIG_BYTES}); check the path`,
        { location: { file } },
      );
    const bytes = await handle.readFile().catch((error: unknown) => {
      throw openError(error, file, what);
    });
    if (bytes.includes(0))
      throw new FileFormatError(`${file}: is binary, not a YAML or JSON ${what} file; check the path`, {
        location: { file },
      });
    return new TextDecoder('utf-8').decode(bytes);
  } finally {
    await handle.close();
  }
}

function openError(error: unknown, file: string, what: string): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'not found'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOTDIR'
            ? 'a folder on its path is a file'
            : `cannot be read (${code ?? (error as Error).message})`;
  return new InputError(`${file}: ${what} file ${reason}; check the path (relative to the workspace)`, {
    cause: error,
  });
}
