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
  const text = await readText(req);
  if (text.trim() === '') throw new ProtocolError(400, 'the body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(400, `the body is not valid JSON (${(error as Error).message})`);
  }
}

/** The body as text, refused past MAX_BODY_BYTES (listeners rather than an async iterator: less work per request). */
function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        // Reading stops here: the rest of an oversized body is not taken in.
        req.destroy();
        reject(new ProtocolError(413, `the body is over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** A body already encoded as JSON. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}
