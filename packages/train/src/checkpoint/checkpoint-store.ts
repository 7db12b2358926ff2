// Where checkpoints are kept between attempts: the Actions cache in a
// workflow (cache-checkpoint-store.ts), a directory on the machine for the
// CLI and the demo (local-checkpoint-store.ts). Both keep keys immutable and
// answer a prefix with its newest entry, as the cache service does.

export type RestoreOutcome =
  | { kind: 'hit'; key: string }
  | { kind: 'miss' }
  /** The store could not be reached or refused; training goes on from scratch. */
  | { kind: 'failed'; message: string };

export type SaveOutcome = { stored: true } | { stored: false; message: string };

export interface CheckpointStore {
  /** A name for the log ("the Actions cache", "directory .mlship/checkpoints"). */
  readonly description: string;
  /** Restores the newest entry whose key starts with the first prefix that has one, into `dir`. */
  restore(dir: string, prefixes: readonly string[]): Promise<RestoreOutcome>;
  /** Saves `dir` under `key`, which must be new. */
  save(dir: string, key: string): Promise<SaveOutcome>;
}
