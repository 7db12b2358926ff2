// Twirp, the RPC protocol of the Actions results service: POST
// /twirp/<package>.<Service>/<Method> with a JSON (or protobuf) message; errors
// are JSON {"code", "msg", "meta"} with the HTTP status Twirp's spec gives each
// code (github.com/twitchtv/twirp, docs/spec_v7.md).
import type { Answer } from './answers.ts';

export type TwirpCode =
  | 'canceled'
  | 'unknown'
  | 'invalid_argument'
  | 'malformed'
  | 'deadline_exceeded'
  | 'not_found'
  | 'bad_route'
  | 'already_exists'
  | 'permission_denied'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'failed_precondition'
  | 'aborted'
  | 'out_of_range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'dataloss';

const STATUS_OF: Readonly<Record<TwirpCode, number>> = {
  canceled: 408,
  unknown: 500,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
};

export const TWIRP_PREFIX = '/twirp/';

export class TwirpError extends Error {
  readonly code: TwirpCode;
  readonly meta: Record<string, string> | undefined;

  constructor(code: TwirpCode, message: string, meta?: Record<string, string>) {
    super(message);
    this.name = 'TwirpError';
    this.code = code;
    this.meta = meta;
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

export function twirpErrorAnswer(error: TwirpError, headers: Record<string, string> = {}): Answer {
  const body = { code: error.code, msg: error.message, ...(error.meta ? { meta: error.meta } : {}) };
  return { status: error.status, headers: { ...headers, 'content-type': 'application/json' }, body: [json(body)] };
}

export function twirpAnswer(message: unknown): Answer {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: [json(message)] };
}

export function twirpBinaryAnswer(message: Uint8Array): Answer {
  return { status: 200, headers: { 'content-type': 'application/protobuf' }, body: [Buffer.from(message)] };
}

/** "<package>.<Service>/<Method>" from a request path, or undefined when it is not a Twirp route. */
export function twirpRoute(pathname: string): { service: string; method: string } | undefined {
  if (!pathname.startsWith(TWIRP_PREFIX)) return undefined;
  const match = /^([A-Za-z0-9_.]+)\/([A-Za-z0-9_]+)$/.exec(pathname.slice(TWIRP_PREFIX.length));
  return match ? { service: match[1] ?? '', method: match[2] ?? '' } : undefined;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
