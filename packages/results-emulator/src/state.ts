// What the service holds: the runs it issued tokens for, artifacts and cache
// entries. Typed, for assertions; tests may also edit it.
import type { BlobLocation } from './shared-access-signature.ts';

export interface RunRecord {
  repository: string;
  runId: string;
  runBackendId: string;
  defaultBranch: string;
}

export interface ArtifactRecord {
  name: string;
  repository: string;
  runBackendId: string;
  jobBackendId: string;
  /** GitHub's artifact database id, assigned when the upload is finalized */
  id: string | undefined;
  state: 'uploading' | 'finalized';
  version: number;
  mimeType: string;
  blob: BlobLocation;
  size: number;
  /** "sha256:<hex>" of the stored bytes, once finalized */
  digest: string | undefined;
  createdMs: number;
  expiresMs: number;
}

export interface CacheEntryRecord {
  key: string;
  version: string;
  /** the git ref the entry belongs to: refs/heads/main, refs/pull/7/merge */
  scope: string;
  repository: string;
  /** the job that reserved it (its backend id) */
  jobBackendId: string;
  id: string | undefined;
  state: 'reserved' | 'committed';
  blob: BlobLocation;
  sizeBytes: number;
  createdMs: number;
  lastAccessedMs: number;
}

export interface ResultsState {
  runs: Map<string, RunRecord>;
  artifacts: ArtifactRecord[];
  cacheEntries: CacheEntryRecord[];
}

export function emptyState(): ResultsState {
  return { runs: new Map(), artifacts: [], cacheEntries: [] };
}
