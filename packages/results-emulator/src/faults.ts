// Injected faults: how the results service and its blob storage fail in real
// life, applied to the next matching requests.
import type { ResultsServiceName } from './message-types.ts';

export type ResultsFault =
  /** 500/503: a Twirp error (internal, unavailable) or Azure's InternalError/ServerBusy; 502/504: the front end's HTML page */
  | { status: 500 | 502 | 503 | 504 }
  /** Twirp resource_exhausted with retry-after (Azure: 503 ServerBusy) */
  | { status: 429; retryAfterSeconds?: number }
  /** the socket is destroyed before the request is processed, or after (state changed, answer lost) */
  | { drop: 'before' | 'after' }
  /** the answer starts this much later */
  | { delayMs: number }
  /** a blob download's body arrives at this rate */
  | { bytesPerSecond: number }
  /** a Twirp answer that hands out a signed URL hands out one already past its expiry */
  | { signedUrl: 'expired' }
  /** GetCacheEntryDownloadURL answers a miss whatever the cache holds */
  | { cacheMiss: true };

export interface ResultsFaultRule {
  /** the service whose Twirp call or blob (artifact or cache storage) the rule matches; any when absent */
  service?: ResultsServiceName;
  /** a Twirp method (CreateArtifact …) or a blob operation (PutBlock, PutBlockList, PutBlob, GetBlob, GetBlobProperties) */
  operation?: string;
  /** how many matching requests it applies to (default 1) */
  times?: number;
  fault: ResultsFault;
}

export class ResultsFaultQueue {
  readonly #rules: { rule: ResultsFaultRule; remaining: number }[] = [];

  add(rule: ResultsFaultRule): void {
    this.#rules.push({ rule, remaining: rule.times ?? 1 });
  }

  /** The fault for this request, consuming one use of its rule, if any rule matches. */
  take(service: ResultsServiceName | undefined, operation: string): ResultsFault | undefined {
    const index = this.#rules.findIndex(
      ({ rule, remaining }) =>
        remaining > 0 &&
        (rule.service === undefined || rule.service === service) &&
        (rule.operation === undefined || rule.operation === operation),
    );
    const found = this.#rules[index];
    if (!found) return undefined;
    found.remaining--;
    if (found.remaining <= 0) this.#rules.splice(index, 1);
    return found.rule.fault;
  }

  clear(): void {
    this.#rules.length = 0;
  }
}

export function describeResultsFault(fault: ResultsFault): string {
  if ('status' in fault) return `status ${fault.status}`;
  if ('drop' in fault) return `drop ${fault.drop}`;
  if ('delayMs' in fault) return `delay ${fault.delayMs} ms`;
  if ('bytesPerSecond' in fault) return `${fault.bytesPerSecond} bytes/s`;
  if ('signedUrl' in fault) return 'expired signed URL';
  return 'cache miss';
}
