// Cache keys of checkpoints. A cache key is immutable (a second save of one
// key is refused), so every save gets its own key under a prefix, and a
// restore asks for the prefix: the service answers the newest entry that
// matches. The prefix names the model, the branch and a digest of the
// training configuration, so a changed config never resumes from another's
// weights; the default branch's prefix comes second, so a new branch starts
// from the default branch's newest checkpoint of the same config.
import { createHash } from 'node:crypto';

export interface CheckpointKeyParts {
  model: string;
  branch: string;
  defaultBranch: string | undefined;
  /** sha256 of the command and the config files (configDigest). */
  configDigest: string;
}

export interface CheckpointKeys {
  /** The key prefix of this model, branch and config. */
  prefix: string;
  /** Prefixes a restore tries, newest match of the first that matches wins. */
  restorePrefixes: string[];
}

/** The cache's limit on a key. */
export const MAX_KEY_LENGTH = 512;
const MAX_PART = 80;

/** A key part: no comma (the cache refuses them), bounded, and still unique when cut. */
export function keyPart(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._/-]/g, '_');
  if (safe.length <= MAX_PART && safe === text) return safe;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${safe.slice(0, MAX_PART - 9)}~${hash}`;
}

export function checkpointKeys(parts: CheckpointKeyParts): CheckpointKeys {
  const prefixOf = (branch: string) =>
    `mlship-checkpoint-${keyPart(parts.model)}-${keyPart(branch)}-${parts.configDigest.slice(0, 16)}-`;
  const prefix = prefixOf(parts.branch);
  const fallback = parts.defaultBranch && parts.defaultBranch !== parts.branch ? [prefixOf(parts.defaultBranch)] : [];
  return { prefix, restorePrefixes: [prefix, ...fallback] };
}

/** The digest that keys checkpoints: the command line and the content of each config file, in order. */
export function configDigest(command: string, configFiles: readonly { path: string; bytes: Uint8Array }[]): string {
  const hash = createHash('sha256').update(JSON.stringify(['mlship-checkpoint-v1', command]));
  for (const file of configFiles) hash.update(`\0${file.path}\0`).update(file.bytes);
  return hash.digest('hex');
}

/** A save's own key: the prefix, the run, its attempt and the save's number in it. */
export function saveKey(prefix: string, run: { id: string; attempt: number }, sequence: number): string {
  return `${prefix}${keyPart(run.id)}-${run.attempt}-${sequence}`;
}
