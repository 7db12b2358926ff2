// The server's routes: the Open Inference Protocol's (KServe v2 / Triton
// REST), mlship's rollout extension under /v2/mlship, and /metrics. Every
// error answers `{"error": "..."}` with the status the protocol uses.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TrafficRequestSchema } from '@mlship/deploy';
import { evidenceReport } from '../evidence/evidence-report.ts';
import { recordFeedback } from '../feedback.ts';
import { infer, ROUTING_KEY_HEADER, type ServeRecorders } from '../inference.ts';
import { metadataTensors } from '../model/served-model.ts';
import { InferRequestSchema, parseBody, ProtocolError, type ModelMetadata } from '../oip/protocol.ts';
import { readJson, sendError, sendJson, sendJsonText } from './http-io.ts';

export const SERVER_NAME = 'mlship';
export const SERVER_VERSION = '0.1.0';
/** Named in the server metadata's `extensions`: the traffic, evidence and feedback routes. */
export const ROLLOUT_EXTENSION = 'mlship_rollout';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HandlerOptions {
  /** When set, the rollout routes (traffic, evidence, feedback) need `Authorization: Bearer <token>`. */
  adminToken?: string | undefined;
}

export function serveHandler(r: ServeRecorders, options: HandlerOptions = {}): Handler {
  return async (req, res) => {
    try {
      await route(r, req, res, options);
    } catch (error) {
      if (error instanceof ProtocolError) {
        if (error.status !== 500) r.metrics.refusedRequest(error.status);
        sendError(res, error.status, error.message);
        return;
      }
      sendError(res, 500, `internal error: ${(error as Error).message.split('\n')[0]}`);
      throw error;
    }
  };
}

/** Path segments, percent-decoded: a model name with '/' (team/churn) arrives as team%2Fchurn. */
function segments(path: string): string[] {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw new ProtocolError(400, `the path ${path} is not valid percent-encoding`);
  }
}

function allow(req: IncomingMessage, ...methods: string[]): void {
  if (!methods.includes(req.method ?? ''))
    throw new ProtocolError(405, `${req.method} is not allowed here; use ${methods.join(' or ')}`);
}

async function route(
  r: ServeRecorders,
  req: IncomingMessage,
  res: ServerResponse,
  options: HandlerOptions,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = segments(url.pathname);
  if (url.pathname === '/metrics') {
    allow(req, 'GET');
    const text = await r.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': r.metrics.registry.contentType });
    res.end(text);
    return;
  }
  if (parts[0] !== 'v2') throw new ProtocolError(404, `no route ${url.pathname}; the protocol's routes start with /v2`);
  if (parts.length === 1) {
    allow(req, 'GET');
    return sendJson(res, 200, { name: SERVER_NAME, version: SERVER_VERSION, extensions: [ROLLOUT_EXTENSION] });
  }
  if (parts[1] === 'health' && parts.length === 3 && (parts[2] === 'live' || parts[2] === 'ready')) {
    allow(req, 'GET');
    return sendJson(res, 200, parts[2] === 'live' ? { live: true } : { ready: true });
  }
  if (parts[1] === 'models' && parts.length >= 3) return modelRoute(r, req, res, parts[2]!, parts.slice(3));
  if (parts[1] === 'mlship' && parts[2] === 'models' && parts.length === 5) {
    if (options.adminToken !== undefined) checkToken(req, options.adminToken);
    return rolloutRoute(r, req, res, parts[3]!, parts[4]!, url.searchParams);
  }
  throw new ProtocolError(404, `no route ${url.pathname}`);
}

/** Compared in constant time, so the answer's timing does not leak the token. */
function checkToken(req: IncomingMessage, token: string): void {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  if (!given || !timingSafeEqual(a, b))
    throw new ProtocolError(
      401,
      'the rollout routes need Authorization: Bearer <the token the server was started with>',
    );
}

function checkModel(r: ServeRecorders, name: string): void {
  if (name !== r.traffic.modelName)
    throw new ProtocolError(404, `model '${name}' is not served here; this server serves '${r.traffic.modelName}'`);
}

async function modelRoute(
  r: ServeRecorders,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  rest: string[],
): Promise<void> {
  checkModel(r, name);
  let version: string | undefined;
  if (rest[0] === 'versions') {
    if (rest.length < 2) throw new ProtocolError(404, 'a /versions path needs a version: /versions/{version}');
    version = rest[1]!;
    rest = rest.slice(2);
  }
  const routing = r.traffic.current;
  const handle = version === undefined ? routing.prod : r.traffic.handleOf(version);
  if (rest.length === 0) {
    allow(req, 'GET');
    if (!handle) throw new ProtocolError(404, `version ${version} of ${name} is not served here`);
    const metadata: ModelMetadata = {
      name,
      versions: [routing.prod, routing.canary].flatMap((h) => (h ? [h.model.version] : [])),
      platform: 'onnxruntime_onnx',
      inputs: metadataTensors(handle.model.inputs),
      outputs: metadataTensors(handle.model.outputs),
    };
    return sendJson(res, 200, metadata);
  }
  if (rest.length === 1 && rest[0] === 'ready') {
    allow(req, 'GET');
    return sendJson(
      res,
      handle ? 200 : 404,
      handle ? { name, ready: true } : { error: `version ${version} of ${name} is not served here` },
    );
  }
  if (rest.length === 1 && rest[0] === 'infer') {
    allow(req, 'POST');
    const request = parseBody(InferRequestSchema, await readJson(req), 'inference request');
    const key = req.headers[ROUTING_KEY_HEADER];
    const response = await infer(r, request, { version, routingKey: typeof key === 'string' ? key : undefined });
    return sendJsonText(res, 200, response);
  }
  throw new ProtocolError(404, `no route /v2/models/${name}/${rest.join('/')}`);
}

async function rolloutRoute(
  r: ServeRecorders,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  action: string,
  query: URLSearchParams,
): Promise<void> {
  checkModel(r, name);
  switch (action) {
    case 'traffic':
      allow(req, 'GET', 'PUT');
      if (req.method === 'GET') return sendJson(res, 200, r.traffic.state());
      return sendJson(res, 200, await r.traffic.set(parseBody(TrafficRequestSchema, await readJson(req), 'traffic')));
    case 'evidence':
      allow(req, 'GET');
      return sendJson(res, 200, await evidenceReport(r, query));
    case 'feedback':
      allow(req, 'POST');
      return sendJson(res, 200, await recordFeedback(r, await readJson(req)));
  }
  throw new ProtocolError(404, `no route /v2/mlship/models/${name}/${action}; use traffic, evidence or feedback`);
}
