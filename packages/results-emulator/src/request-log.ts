// What the service records about the traffic it served, for assertions.
import type { ResultsServiceName } from './message-types.ts';

export interface ResultsRequestLogEntry {
  /** whose call or storage this was; undefined for traffic the service does not know */
  service: ResultsServiceName | 'LegacyCacheService' | undefined;
  /** a Twirp method (CreateArtifact …) or a blob operation (PutBlock, GetBlob …) */
  operation: string;
  method: string;
  /** the path (blob requests: /container/blob) */
  path: string;
  status: number;
  /** the Twirp error code or Azure error code of a failed request */
  error?: string;
  /** the job backend id of the runtime token that made a Twirp call */
  jobBackendId?: string;
  /** the injected fault that shaped this answer, if any */
  fault?: string;
}

export interface ResultsViolation {
  service: ResultsServiceName | 'LegacyCacheService' | undefined;
  operation: string;
  message: string;
}
