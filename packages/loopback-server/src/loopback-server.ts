// The HTTP server under the emulators (GitHub's REST and GraphQL API, the
// Actions results service): on loopback only, at a port the system picks; a
// handler that throws is answered 500 and logged instead of crashing the test
// process; and closing ends every connection, tunnels included, within a
// bound, so a client that keeps a socket open cannot hang a test's teardown.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackServerOptions {
  /** Names the server in its log lines, e.g. `github-emulator`. */
  name: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** What a request whose handler threw is answered, with status 500. */
  errorAnswer: { contentType: string; body: string };
  /** How long `close()` may take before it gives up; 10 s unless given. */
  closeTimeoutMs?: number;
}

export interface LoopbackServer {
  readonly server: Server;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

/** How long a keep-alive connection may idle: short, so clients' pools do not outlive a test. */
const KEEP_ALIVE_MS = 1000;
const CLOSE_TIMEOUT_MS = 10_000;

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => options.handle(req, res))
      .catch((error: unknown) => {
        console.error(`${options.name}:`, error);
        if (!res.headersSent && !res.destroyed)
          res.writeHead(500, { 'content-type': options.errorAnswer.contentType }).end(options.errorAnswer.body);
      });
  });
  // Every socket, also one a CONNECT tunnel hands back to the server, which the
  // server's own bookkeeping (closeAllConnections) no longer counts once upgraded.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const closeTimeoutMs = options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => close(server, sockets, options.name, closeTimeoutMs),
  };
}

async function close(server: Server, sockets: Set<Socket>, name: string, timeoutMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  for (const socket of sockets) socket.destroy();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`${name}: the server did not close within ${timeoutMs} ms (${openConnections(sockets.size)})`),
        ),
      timeoutMs,
    );
    // Not unref'd: were the close to hang with nothing else pending, the process would otherwise
    // exit with the promise unsettled instead of failing with this error.
  });
  try {
    await Promise.race([closed, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** The request's body, refused (an error) past `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error(`request body larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function openConnections(n: number): string {
  return `${n} ${n === 1 ? 'connection' : 'connections'} open`;
}
