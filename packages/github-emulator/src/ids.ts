// Database ids and global node ids shaped like github.com's, so that a client
// that would break on GitHub breaks here first.
//
// Ids: each kind of object counts in its own range, at the magnitude github.com
// hands out today, with gaps between consecutive ids (other repositories' objects
// take the numbers in between on GitHub). Issue-comment ids start past 2^32
// (github.com's are past 2^31: 3,110,844,786 in 2025), so a client that keeps
// them in a 32-bit integer, or reads them through GraphQL's 32-bit `Int`
// `databaseId`, fails against the emulator as it would on GitHub.
//
// Node ids: GitHub's current ("next") global id format, a type prefix, `_`, then
// base64url (no padding) of a MessagePack array `[0, ...keys]`: `[0, userId]`
// for users, bots, organizations and repositories; `[0, repoId, id]` for objects
// inside a repository (issues, comments, releases ...); `[0, repoId, sha]` for
// commits and tags; `[0, repoId, "refs/heads/main"]` for refs. E.g. golang/go is
// `R_kgDOAWBufw` ([0, 23096959]) and its first issue comment
// `IC_kwDOAWBuf84D78lV` ([0, 23096959, 66046293]). Clients must treat them as
// opaque; the emulator decodes its own to find the object.
import { decode } from '@msgpack/msgpack';

export type IdKind =
  | 'user'
  | 'repo'
  | 'issue'
  | 'issueComment'
  | 'commitComment'
  | 'release'
  | 'asset'
  | 'checkRun'
  | 'checkSuite'
  | 'status'
  | 'deployment'
  | 'deploymentStatus'
  | 'environment';

/**
 * The first id of each kind: github.com's magnitudes in 2025-26 (rounded;
 * examples in docs/testing.md), except issue comments, put past 2^32 so that
 * both 32-bit signed and unsigned readings fail.
 */
export const FIRST_IDS: Readonly<Record<IdKind, number>> = {
  user: 211_482_093,
  repo: 1_046_372_918,
  issue: 3_381_920_457,
  issueComment: 4_318_702_365,
  commitComment: 162_950_384,
  release: 243_618_527,
  asset: 287_405_163,
  checkRun: 46_193_527_804,
  checkSuite: 42_837_105_962,
  status: 39_402_618_375,
  deployment: 3_204_815_736,
  deploymentStatus: 38_716_204_593,
  environment: 1_480_275_391,
};

/** Ids grow by 2 to this many between two objects of a kind. */
const MAX_GAP = 997;

export class IdSequences {
  readonly #last = new Map<IdKind, number>();
  #seed = 0x2f6e2b1;

  next(kind: IdKind): number {
    const last = this.#last.get(kind);
    const id = last === undefined ? FIRST_IDS[kind] : last + 2 + (this.#gap() % (MAX_GAP - 1));
    this.#last.set(kind, id);
    return id;
  }

  /** A deterministic pseudo-random gap (xorshift32): the same run gives the same ids. */
  #gap(): number {
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x >>> 0;
    return this.#seed;
  }
}

/** GitHub's type prefixes for the objects the emulator serves. */
export type NodePrefix =
  | 'U'
  | 'BOT'
  | 'O'
  | 'R'
  | 'I'
  | 'PR'
  | 'IC'
  | 'CC'
  | 'C'
  | 'TA'
  | 'REF'
  | 'RE'
  | 'RA'
  | 'CR'
  | 'SC'
  | 'DE'
  | 'DES'
  | 'EN';

export type NodeKey = number | string;

export function nodeId(prefix: NodePrefix, ...keys: NodeKey[]): string {
  const parts = [Buffer.from([0x90 | (keys.length + 1), 0]), ...keys.map(packKey)];
  return `${prefix}_${Buffer.concat(parts).toString('base64url')}`;
}

// Written here rather than with @msgpack/msgpack's encoder: GitHub packs strings
// of 32-255 bytes (commit shas) as str16, MessagePack's old "raw" compatibility
// form, which that encoder does not produce (it writes str8).
function packKey(key: NodeKey): Buffer {
  if (typeof key === 'string') {
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.length < 32) return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
    const head = Buffer.alloc(3);
    head.writeUInt8(0xda, 0);
    head.writeUInt16BE(bytes.length, 1);
    return Buffer.concat([head, bytes]);
  }
  if (!Number.isSafeInteger(key) || key < 0) throw new Error(`node id key ${key} is not a database id`);
  if (key < 0x80) return Buffer.from([key]);
  if (key < 0x100) return Buffer.from([0xcc, key]);
  if (key < 0x10000) return Buffer.from([0xcd, key >> 8, key & 0xff]);
  const wide = key >= 2 ** 32;
  const out = Buffer.alloc(wide ? 9 : 5);
  out.writeUInt8(wide ? 0xcf : 0xce, 0);
  if (wide) out.writeBigUInt64BE(BigInt(key), 1);
  else out.writeUInt32BE(key, 1);
  return out;
}

/** The prefix and keys of a node id in the current format; undefined for anything else. */
export function parseNodeId(value: string): { prefix: string; keys: NodeKey[] } | undefined {
  const match = /^([A-Z]+)_([A-Za-z0-9_-]+)$/.exec(value);
  if (!match) return undefined;
  let decoded: unknown;
  try {
    decoded = decode(Buffer.from(match[2]!, 'base64url'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded[0] !== 0) return undefined;
  const keys = decoded.slice(1);
  if (keys.length === 0 || !keys.every((k) => typeof k === 'string' || Number.isSafeInteger(k))) return undefined;
  return { prefix: match[1]!, keys: keys as NodeKey[] };
}
