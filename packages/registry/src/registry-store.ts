// The storage primitives a registry needs; LocalStore (a directory) and
// GitHubStore (releases + git refs) implement them, and one RegistryService
// holds every rule on top, so both behave the same by construction.
import type { RegistryEvent } from './registry-event.ts';

/** A file to publish, already hashed. */
export interface StagedFile {
  name: string;
  sizeBytes: number;
  sha256: string;
  /** Exactly one of path (streamed from disk) and bytes. */
  path?: string;
  bytes?: Uint8Array;
}

export interface StoredAsset {
  name: string;
  sizeBytes: number;
  /** The store's own checksum, `sha256:<hex>` (GitHub's asset digest), when it keeps one. */
  digest?: string;
}

export interface StoredVersion {
  name: string;
  version: string;
  /** False for a draft (staged, not yet visible as a version). */
  published: boolean;
  contentDigest: string | undefined;
  /** The source commit it was built from (required checks ran there). */
  commit: string | undefined;
  /** Release page, or the version's directory. */
  url: string;
  assets: StoredAsset[];
}

export interface RegistrationRequest {
  name: string;
  version: string;
  /** The commit the version was built from. */
  sourceCommit: string;
  contentDigest: string;
}

/** The version's claim: its tag `NAME@vX.Y.Z` and what the tag records. */
export interface VersionClaim {
  /** The commit the version's tag points at (its registration commit), which GTO maps to the version. */
  commit: string;
  /** The content digest recorded when it was claimed; null when the tag records none. */
  contentDigest: string | null;
}

export interface ClaimRequest {
  name: string;
  version: string;
  /** The registration commit the tag points at. */
  commit: string;
  contentDigest: string;
  actor: string;
  /** The tag's date (whole seconds): GTO orders events by it. */
  claimedAt: string;
}

export type ClaimResult = { result: 'claimed' | 'ours'; commit: string } | { result: 'other' };

export interface StageRequest {
  name: string;
  version: string;
  /** The source commit (for the record) and the version's own registration commit. */
  commit: string;
  registrationCommit: string;
  contentDigest: string;
  files: StagedFile[];
  /** Used when nothing is staged yet; a re-run keeps the manifest staged first. */
  manifest: Uint8Array;
}

export interface RegistryStore {
  /** `local:<dir>` or `github:<owner>/<repo>`, for messages. */
  readonly location: string;

  /** The newest event the store's head pointer names; may lag behind the log. */
  readHead(name: string): Promise<RegistryEvent | null>;
  readEvent(name: string, counter: number): Promise<RegistryEvent | null>;
  /** Atomically takes `event.counter`; false when another writer took it first. */
  appendEvent(event: RegistryEvent): Promise<boolean>;
  /** Makes the GTO tag of an appended event exist (repairs an interrupted append). */
  ensureGtoTag(event: RegistryEvent): Promise<void>;
  /** Best effort: the head is a cache that readers verify. */
  writeHead(event: RegistryEvent): Promise<void>;
  listEvents(name: string): Promise<RegistryEvent[]>;
  listNames(): Promise<string[]>;

  readVersion(name: string, version: string): Promise<StoredVersion | null>;
  /**
   * The version's claim (GitHub: its annotated tag), which editing the release
   * cannot change; null when the version was never claimed.
   */
  readClaim(name: string, version: string): Promise<VersionClaim | null>;
  /** A staged, unpublished version holding this content, if a previous run left one. */
  findStagedVersion(name: string, contentDigest: string): Promise<string | null>;
  /**
   * The version's own commit: a child of the source commit with its tree, so
   * no two versions share a commit (GTO maps stage tags to versions by commit).
   * A re-run gets the one its staged version recorded.
   */
  registrationCommit(request: RegistrationRequest): Promise<string>;
  /** Stages assets (idempotent) and returns the manifest bytes staged. */
  stageVersion(request: StageRequest): Promise<Uint8Array>;
  /** Atomically takes the version's tag; 'ours' when a previous run of this content took it. */
  claimVersion(request: ClaimRequest): Promise<ClaimResult>;
  /** Publishes the claimed version (and drops other staged copies of it). */
  publishVersion(name: string, version: string): Promise<string>;
  /** Drops what a publish staged when another publish took the version. */
  discardStaged(name: string, version: string, contentDigest: string): Promise<void>;
  readAsset(name: string, version: string, asset: string): Promise<AsyncIterable<Uint8Array>>;

  /** Names of checks that succeeded on a commit (for the stage policy's requiredChecks). */
  passedChecks(commit: string): Promise<string[]>;
  /** The commit a publish records when none is given. */
  defaultCommit(): Promise<string>;
}
