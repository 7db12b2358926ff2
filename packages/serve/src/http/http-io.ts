// Reading JSON bodies (bounded) and writing JSON answers on node:http. A
// framework would add a routing layer to every request; the protocol's routes
// are few and fixed, and the server's throughput is measured against a bare
// node:http server (bench/serve.ts), so the handler stays on node:http.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '../oip/protocol.ts';

/** The largest body accepted: 64 MiB, as Triton's default HTTP limit. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/json\b|^text\/plain\b/i.test(type))
    throw new ProtocolError(400, `content-type ${type} is not JSON; send application/json`);
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES)
    throw new ProtocolError(413, `the body is ${declared} bytes; at most ${MAX_BODY_BYTES}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ProtocolError(413, `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ProtocolError(400, 'the body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(400, `the body is not valid JSON (${(error as Error).message})`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}
