// The answers a status fault gives in place of the real one: what the service's
// Twirp server, its front end, and Azure Storage send when they fail.
import type { Answer } from './answers.ts';
import { BlobError, blobErrorAnswer } from './blob-errors.ts';
import type { ResultsFault } from './faults.ts';
import { TwirpError, twirpErrorAnswer } from './twirp.ts';

export function twirpFaultAnswer(fault: ResultsFault): Answer | undefined {
  if (!('status' in fault)) return undefined;
  switch (fault.status) {
    case 500:
      return twirpErrorAnswer(new TwirpError('internal', 'internal error'));
    case 503:
      return twirpErrorAnswer(new TwirpError('unavailable', 'service unavailable'));
    case 429:
      return twirpErrorAnswer(new TwirpError('resource_exhausted', 'rate limit exceeded'), {
        'retry-after': String(fault.retryAfterSeconds ?? 60),
      });
    case 502:
    case 504:
      // The load balancer in front of the service answers with its own HTML page.
      return frontEndPage(fault.status);
  }
}

export function blobFaultAnswer(fault: ResultsFault, nowMs: number, method: string): Answer | undefined {
  if (!('status' in fault)) return undefined;
  switch (fault.status) {
    case 500:
      return blobErrorAnswer(
        new BlobError(500, 'InternalError', 'The server encountered an internal error. Please retry the request.'),
        nowMs,
        method,
      );
    case 503:
    case 429:
      return blobErrorAnswer(new BlobError(503, 'ServerBusy', 'The server is busy.'), nowMs, method);
    case 502:
    case 504:
      return frontEndPage(fault.status);
  }
}

function frontEndPage(status: 502 | 504): Answer {
  const title = status === 502 ? '502 Bad Gateway' : '504 Gateway Timeout';
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: [Buffer.from(`<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`)],
  };
}
