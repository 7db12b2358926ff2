// Checkpoints in a directory of this machine, for `mlship train` and the
// demo: one folder per key, written whole and then renamed into place, with
// the cache's rules (a key is saved once; a prefix restores its newest entry).
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore, RestoreOutcome, SaveOutcome } from './checkpoint-store.ts';

interface Entry {
  key: string;
  savedAt: number;
  /** Orders saves within one millisecond. */
  sequence: number;
}

export class LocalCheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly #root: string;
  #sequence = 0;

  constructor(root: string, shownAs = root) {
    this.#root = root;
    this.description = `directory ${shownAs}`;
  }

  #folder(key: string): string {
    return join(this.#root, createHash('sha256').update(key).digest('hex').slice(0, 32));
  }

  async #entries(): Promise<Entry[]> {
    let names: string[];
    try {
      names = await readdir(this.#root);
    } catch {
      return [];
    }
    const entries: Entry[] = [];
    for (const name of names.filter((n) => !n.startsWith('.'))) {
      try {
        entries.push(JSON.parse(await readFile(join(this.#root, name, 'entry.json'), 'utf8')) as Entry);
      } catch {
        // A folder that is not an entry (or one being written): not a checkpoint.
      }
    }
    return entries.sort((a, b) => b.savedAt - a.savedAt || b.sequence - a.sequence);
  }

  async restore(dir: string, prefixes: readonly string[]): Promise<RestoreOutcome> {
    const entries = await this.#entries();
    for (const prefix of prefixes) {
      const newest = entries.find((e) => e.key.startsWith(prefix));
      if (!newest) continue;
      await mkdir(dir, { recursive: true });
      await cp(join(this.#folder(newest.key), 'files'), dir, { recursive: true });
      return { kind: 'hit', key: newest.key };
    }
    return { kind: 'miss' };
  }

  async save(dir: string, key: string): Promise<SaveOutcome> {
    const folder = this.#folder(key);
    const staging = join(this.#root, `.staging-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(staging, { recursive: true });
      await cp(dir, join(staging, 'files'), { recursive: true });
      const entry: Entry = { key, savedAt: Date.now(), sequence: this.#sequence++ };
      await writeFile(join(staging, 'entry.json'), JSON.stringify(entry));
      await rename(staging, folder);
      return { stored: true };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      const code = (error as { code?: string }).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return { stored: false, message: `key ${key} is already saved` };
      return { stored: false, message: (error as Error).message };
    }
  }
}
