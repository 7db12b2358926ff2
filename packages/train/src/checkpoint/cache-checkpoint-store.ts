// Checkpoints in the Actions cache, through the real @actions/cache client.
// The client never throws for a service problem: it logs a warning (or an
// error for a 5xx) itself and answers a miss or the id -1. A run that saves
// every few minutes against a service that is down would then fill the
// annotations with the same warning, so while a call runs its own
// `::warning::`/`::error::` lines are taken out of stdout (everything else
// passes) and handed back as the outcome; the caller warns once.
import { isAbsolute, relative } from 'node:path';
import * as cache from '@actions/cache';
import type { CheckpointStore, RestoreOutcome, SaveOutcome } from './checkpoint-store.ts';

/** The client's own failure lines (cache.js: "Failed to save:", "Failed to restore:", reservation and upload failures). */
const CLIENT_FAILURE = /^::(warning|error)::(.*)$/;

async function capturingFailures<T>(call: () => Promise<T>): Promise<{ value: T; failures: string[] }> {
  const failures: string[] = [];
  const write = process.stdout.write;
  const filtered = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string') {
      const kept = chunk
        .split(/(?<=\n)/)
        .filter((line) => {
          const match = CLIENT_FAILURE.exec(line.trimEnd());
          if (match) failures.push(match[2]!.replace(/%0A/g, ' ').replace(/%25/g, '%'));
          return !match;
        })
        .join('');
      if (kept === '') return true;
      return (write as (...args: unknown[]) => boolean).call(this, kept, ...rest);
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stdout.write;
  process.stdout.write = filtered;
  try {
    return { value: await call(), failures };
  } finally {
    process.stdout.write = write;
  }
}

const UNAVAILABLE = 'the Actions cache is not available to this job (the runner gave it no ACTIONS_RESULTS_URL)';

export class CacheCheckpointStore implements CheckpointStore {
  readonly description = 'the Actions cache';
  /** Globs beside the directory: files being written (`*.tmp`) are left out. */
  readonly #exclude: readonly string[];

  constructor(options: { exclude?: readonly string[] } = {}) {
    this.#exclude = options.exclude ?? ['**/*.tmp'];
  }

  /**
   * The cache's version digest includes the paths as given, so they are given
   * relative to the workspace (the step's working directory), as a workflow's
   * actions/cache step gives them: runners whose work folders differ, or a
   * fresh machine, then restore what another one saved.
   */
  #paths(dir: string): string[] {
    const inWorkspace = relative(process.cwd(), dir);
    const path = inWorkspace && !inWorkspace.startsWith('..') && !isAbsolute(inWorkspace) ? inWorkspace : dir;
    return [path, ...this.#exclude.map((glob) => `!${path}/${glob}`)];
  }

  async restore(dir: string, prefixes: readonly string[]): Promise<RestoreOutcome> {
    const [primary, ...rest] = prefixes;
    if (primary === undefined) return { kind: 'miss' };
    if (!cache.isFeatureAvailable()) return { kind: 'failed', message: UNAVAILABLE };
    try {
      const { value, failures } = await capturingFailures(() =>
        cache.restoreCache(this.#paths(dir), primary, [primary, ...rest]),
      );
      if (value) return { kind: 'hit', key: value };
      return failures.length ? { kind: 'failed', message: failures.join('; ') } : { kind: 'miss' };
    } catch (error) {
      return { kind: 'failed', message: (error as Error).message };
    }
  }

  async save(dir: string, key: string): Promise<SaveOutcome> {
    if (!cache.isFeatureAvailable()) return { stored: false, message: UNAVAILABLE };
    try {
      const { value, failures } = await capturingFailures(() => cache.saveCache(this.#paths(dir), key));
      if (value !== -1) return { stored: true };
      return { stored: false, message: failures.join('; ') || `the cache did not store ${key}` };
    } catch (error) {
      return { stored: false, message: (error as Error).message };
    }
  }
}
