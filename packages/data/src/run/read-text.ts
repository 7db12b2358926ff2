// Reading the user's text files (profiles, expectations, settings): a missing
// or unreadable file is one line naming it.
import { readFile } from 'node:fs/promises';
import { FileFormatError } from '@mlship/errors';
import { parseProfile } from '../profile/data-profiler.ts';
import type { Profile } from '../profile/profile-schema.ts';

export async function readProfileFile(path: string): Promise<Profile> {
  return parseProfile(await readText(path), path);
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new FileFormatError(
      `${path}: cannot read (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}); check the path`,
      { location: { file: path }, cause },
    );
  }
}
