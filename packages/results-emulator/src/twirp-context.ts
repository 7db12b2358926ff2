// What a Twirp method handler is given: the caller's verified identity and run,
// the service state, and the means to sign blob URLs.
import type { BlobStore } from './blob-store.ts';
import type { ResultsFault } from './faults.ts';
import type { ResultsIdSequences } from './ids.ts';
import type { RuntimeIdentity } from './runtime-token.ts';
import type { BlobLocation, SasPermission } from './shared-access-signature.ts';
import type { ResultsState, RunRecord } from './state.ts';

export interface ServiceSettings {
  /** the repository's artifact retention, GITHUB_RETENTION_DAYS */
  retentionDays: number;
}

export interface TwirpContext {
  identity: RuntimeIdentity;
  run: RunRecord;
  state: ResultsState;
  blobs: BlobStore;
  ids: ResultsIdSequences;
  settings: ServiceSettings;
  nowMs: number;
  /** the fault injected into this request, if any */
  fault: ResultsFault | undefined;
  signedUrl(location: BlobLocation, use: 'upload' | 'download', contentDisposition?: string): string;
  /** records a request the real clients would never send */
  violation(message: string): void;
}

export type TwirpHandler<Request, Response> = (ctx: TwirpContext, request: Request) => Partial<Response>;
