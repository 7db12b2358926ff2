// One Twirp call, as the results service takes it: POST only, a known method, a
// JSON or protobuf body, a valid runtime token, a request its generated type
// reads without complaint; then the method's handler, and an answer written by
// the generated response type. What the real clients would never send is
// recorded as a violation as well as refused.
import type { Answer } from './answers.ts';
import { artifactHandlers } from './artifact-service.ts';
import type { BlobStore } from './blob-store.ts';
import { cacheHandlers } from './cache-service.ts';
import type { ResultsFault } from './faults.ts';
import type { TwirpCall } from './http-server.ts';
import type { ResultsIdSequences } from './ids.ts';
import type { ResultsViolation } from './request-log.ts';
import { readBinaryMessage, readMessage, twirpMethod, writeBinaryMessage, writeMessage } from './message-types.ts';
import { verifyRuntimeToken, type TokenKeys } from './runtime-token.ts';
import type { BlobLocation } from './shared-access-signature.ts';
import type { ResultsState } from './state.ts';
import { TwirpError, twirpAnswer, twirpBinaryAnswer, twirpErrorAnswer } from './twirp.ts';
import type { ServiceSettings, TwirpContext, TwirpHandler } from './twirp-context.ts';

export interface TwirpDependencies {
  keys: TokenKeys;
  state: ResultsState;
  blobs: BlobStore;
  ids: ResultsIdSequences;
  settings: ServiceSettings;
  nowMs(): number;
  signedUrl(location: BlobLocation, use: 'upload' | 'download', expired: boolean, contentDisposition?: string): string;
  violation(violation: ResultsViolation): void;
}

const HANDLERS: Record<string, Record<string, TwirpHandler<never, unknown>>> = {
  ArtifactService: artifactHandlers,
  CacheService: cacheHandlers,
};

export function processTwirpCall(deps: TwirpDependencies, call: TwirpCall, fault: ResultsFault | undefined): Answer {
  try {
    return dispatch(deps, call, fault);
  } catch (error) {
    if (error instanceof TwirpError) return twirpErrorAnswer(error);
    throw error;
  }
}

function dispatch(deps: TwirpDependencies, call: TwirpCall, fault: ResultsFault | undefined): Answer {
  const violation = (message: string): void =>
    deps.violation({ service: call.entry.service, operation: call.route.method, message });
  const refuse = (code: 'bad_route' | 'malformed', message: string): never => {
    violation(message);
    throw new TwirpError(code, message);
  };
  if (call.method !== 'POST') refuse('bad_route', `unsupported method ${call.method} (only POST is allowed)`);
  const method = twirpMethod(call.route.service, call.route.method);
  if (!method)
    return refuse(
      'bad_route',
      `no handler for path ${JSON.stringify(`/twirp/${call.route.service}/${call.route.method}`)}`,
    );
  const contentType = (call.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json' && contentType !== 'application/protobuf')
    refuse('bad_route', `unexpected Content-Type: ${JSON.stringify(call.headers['content-type'] ?? '')}`);

  const authorization = call.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1];
  if (!bearer) throw new TwirpError('unauthenticated', 'authorization header is missing or is not a bearer token');
  const verified = verifyRuntimeToken(deps.keys, bearer, Math.floor(deps.nowMs() / 1000));
  if (!verified.ok) throw new TwirpError('unauthenticated', verified.reason);
  const identity = verified.identity;
  call.entry.jobBackendId = identity.jobBackendId;
  const run = deps.state.runs.get(identity.runBackendId);
  if (!run)
    throw new TwirpError('permission_denied', 'the runtime token names a workflow run this service does not know');

  let read;
  if (contentType === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(call.body.toString('utf8'));
    } catch {
      return refuse('malformed', `the ${method.name} request body is not JSON`);
    }
    read = readMessage(method.request, json);
  } else read = readBinaryMessage(method.request, call.body);
  if (!read.ok) return refuse('malformed', `${method.name}: ${read.problem}`);

  const nowMs = deps.nowMs();
  const ctx: TwirpContext = {
    identity,
    run,
    state: deps.state,
    blobs: deps.blobs,
    ids: deps.ids,
    settings: deps.settings,
    nowMs,
    fault,
    signedUrl: (location, use, contentDisposition) =>
      deps.signedUrl(location, use, fault !== undefined && 'signedUrl' in fault, contentDisposition),
    violation,
  };
  const handler = HANDLERS[method.service]?.[method.name] as TwirpHandler<object, object> | undefined;
  if (!handler) throw new TwirpError('unimplemented', `${method.name} is not implemented by the emulator`);
  const response = handler(ctx, read.message);
  // Twirp answers in the content type it was asked in.
  if (contentType === 'application/protobuf') return twirpBinaryAnswer(writeBinaryMessage(method.response, response));
  return twirpAnswer(writeMessage(method.response, response));
}
