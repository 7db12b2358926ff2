// When a checkpoint is saved, and what each save cost: on an interval while
// the command runs, when it is stopped, when it ends, and in the post step.
// A save is skipped when the directory has not changed since the last stored
// one, and waits for the directory to be still (the command may be writing a
// checkpoint at that moment) for a few short rounds before it saves anyway.
import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import type { CheckpointStore, SaveOutcome } from './checkpoint-store.ts';
import { saveKey } from './checkpoint-keys.ts';

export type SaveTrigger = 'interval' | 'stop' | 'end' | 'post';

export interface CheckpointSave {
  key: string;
  trigger: SaveTrigger;
  /** Bytes in the directory, before the store compresses them. */
  sizeBytes: number;
  files: number;
  durationMs: number;
  stored: boolean;
  message?: string;
}

export interface DirectoryListing {
  files: number;
  sizeBytes: number;
  /** Changes when any file is added, removed, resized or rewritten. */
  fingerprint: string;
}

/** Files being written (`*.tmp`) are not part of a checkpoint. */
const PARTIAL = /\.tmp$/;
const MAX_FILES = 100_000;

/** What the directory holds now; undefined when it does not exist or is empty. */
export async function listCheckpoint(dir: string): Promise<DirectoryListing | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).slice(0, MAX_FILES);
  } catch {
    return undefined;
  }
  const hash = createHash('sha256');
  let files = 0;
  let sizeBytes = 0;
  for (const name of names.sort()) {
    if (PARTIAL.test(name)) continue;
    const stat = await lstat(join(dir, name)).catch(() => undefined);
    if (!stat?.isFile()) continue;
    files++;
    sizeBytes += stat.size;
    hash.update(`${relative('.', name)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return files === 0 ? undefined : { files, sizeBytes, fingerprint: hash.digest('hex') };
}

export interface CheckpointSaverOptions {
  store: CheckpointStore;
  dir: string;
  prefix: string;
  run: { id: string; attempt: number };
  /** The fingerprint of the last stored save (the post step continues the main step's count). */
  lastStored?: string;
  firstSequence?: number;
  /** How long the directory must stay unchanged before a save; 0 in tests that need no wait. */
  quietMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const QUIET_ROUNDS = 3;

export class CheckpointSaver {
  readonly #options: CheckpointSaverOptions;
  readonly saves: CheckpointSave[] = [];
  #lastStored: string | undefined;
  #sequence: number;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(options: CheckpointSaverOptions) {
    this.#options = options;
    this.#lastStored = options.lastStored;
    this.#sequence = options.firstSequence ?? 0;
  }

  /** The fingerprint of the last stored save and the next save's number, for the post step. */
  get state(): { lastStored: string | undefined; nextSequence: number } {
    return { lastStored: this.#lastStored, nextSequence: this.#sequence };
  }

  /** Saves when the directory changed since the last stored save; one save at a time. */
  save(trigger: SaveTrigger): Promise<CheckpointSave | undefined> {
    const run = this.#chain.then(() => this.#save(trigger));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #save(trigger: SaveTrigger): Promise<CheckpointSave | undefined> {
    const { dir, store, quietMs } = this.#options;
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    let listing = await listCheckpoint(dir);
    if (!listing || listing.fingerprint === this.#lastStored) return undefined;
    for (let round = 0; round < QUIET_ROUNDS && quietMs > 0; round++) {
      await sleep(quietMs);
      const again = await listCheckpoint(dir);
      if (!again) return undefined;
      const still = again.fingerprint === listing.fingerprint;
      listing = again;
      if (still) break;
    }
    if (listing.fingerprint === this.#lastStored) return undefined;
    const key = saveKey(this.#options.prefix, this.#options.run, this.#sequence++);
    const started = performance.now();
    const outcome: SaveOutcome = await store.save(dir, key);
    const save: CheckpointSave = {
      key,
      trigger,
      sizeBytes: listing.sizeBytes,
      files: listing.files,
      durationMs: performance.now() - started,
      stored: outcome.stored,
      ...(outcome.stored ? {} : { message: outcome.message }),
    };
    if (outcome.stored) this.#lastStored = listing.fingerprint;
    this.saves.push(save);
    return save;
  }
}
