// The HTTP side of the results service: Twirp calls on ACTIONS_RESULTS_URL,
// blob requests to signed URLs, and, for URLs on *.blob.core.windows.net, an
// HTTP proxy (absolute-form requests and CONNECT tunnels) so the clients reach
// "Azure" on loopback through HTTP_PROXY. Each request goes through faults,
// then the protocol, and is recorded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody, startLoopbackServer, type LoopbackServer } from '@mlship/loopback-server';
import type { Answer } from './answers.ts';
import { BlobError, blobErrorAnswer } from './blob-errors.ts';
import { blobOperation, handleBlobRequest } from './blob-protocol.ts';
import type { BlobStore } from './blob-store.ts';
import { blobFaultAnswer, twirpFaultAnswer } from './fault-answers.ts';
import { describeResultsFault, type ResultsFault, type ResultsFaultQueue } from './faults.ts';
import { legacyCacheAnswer, LEGACY_CACHE_PREFIX } from './legacy-cache.ts';
import type { ResultsServiceName } from './message-types.ts';
import type { ResultsRequestLogEntry, ResultsViolation } from './request-log.ts';
import type { BlobLocation } from './shared-access-signature.ts';
import { twirpRoute } from './twirp.ts';

const MAX_BODY_BYTES = 5000 * 1024 * 1024;
const AZURE_BLOB_HOST = /^([a-z0-9]{3,24})\.blob\.core\.windows\.net$/;
const TRICKLE_INTERVAL_MS = 100;

export interface TwirpCall {
  method: string;
  route: { service: string; method: string };
  headers: IncomingMessage['headers'];
  body: Buffer;
  entry: ResultsRequestLogEntry;
}

export interface RequestProcessors {
  /** the service a container's blobs belong to */
  serviceOfContainer(container: string): ResultsServiceName | undefined;
  /** the service a Twirp service name is, if it is one of ours */
  serviceOfTwirp(service: string): ResultsServiceName | undefined;
  twirp(call: TwirpCall, fault: ResultsFault | undefined): Answer;
  blobs: BlobStore;
  accountKey: Buffer;
  accounts: readonly string[];
  nowMs(): number;
}

export class ResultsHttpServer {
  readonly requests: ResultsRequestLogEntry[] = [];
  readonly violations: ResultsViolation[] = [];
  readonly #server: LoopbackServer;
  readonly #processors: RequestProcessors;
  readonly #faults: ResultsFaultQueue;
  readonly baseUrl: string;

  private constructor(
    server: LoopbackServer,
    processors: RequestProcessors,
    faults: ResultsFaultQueue,
    baseUrl: string,
  ) {
    this.#server = server;
    this.#processors = processors;
    this.#faults = faults;
    this.baseUrl = baseUrl;
  }

  static async start(processors: RequestProcessors, faults: ResultsFaultQueue): Promise<ResultsHttpServer> {
    let instance: ResultsHttpServer | undefined;
    const server = await startLoopbackServer({
      name: 'results-emulator',
      // The instance exists before the server listens, so before any request.
      handle: (req, res) => instance!.handle(req, res),
      errorAnswer: { contentType: 'text/plain', body: 'Emulator error' },
    });
    // A proxy client asks for a tunnel to the blob host, then speaks HTTP inside it: the
    // tunnel's socket is handed back to this server, which reads the requests it carries.
    server.server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const host = (req.url ?? '').replace(/:\d+$/, '');
      if (!AZURE_BLOB_HOST.test(host)) {
        socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) socket.unshift(head);
      server.server.emit('connection', socket);
    });
    instance = new ResultsHttpServer(server, processors, faults, server.url);
    return instance;
  }

  stop(): Promise<void> {
    return this.#server.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    // Absolute-form (a proxied request) names its host; otherwise the Host header does.
    const url = /^https?:\/\//i.test(rawUrl)
      ? new URL(rawUrl)
      : new URL(rawUrl, `http://${req.headers.host ?? '127.0.0.1'}`);
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch {
      res.destroy();
      return;
    }
    const blob = this.#blobLocation(url);
    if (blob) return this.#serveBlob(method, url, blob, req, body, res);
    if (url.host !== new URL(this.baseUrl).host) {
      // Only the blob hosts are reachable through this proxy; nothing else may leave the machine.
      this.#record({ service: undefined, operation: 'proxy', method, path: url.href, status: 502 }, res, {
        status: 502,
        headers: { 'content-type': 'text/plain' },
        body: [Buffer.from(`the results emulator proxies only *.blob.core.windows.net, not ${url.host}\n`)],
      });
      return;
    }
    if (url.pathname.startsWith(LEGACY_CACHE_PREFIX)) {
      const message = `${method} ${url.pathname}: the legacy cache service (cache v1) is gone from github.com`;
      this.violations.push({ service: 'LegacyCacheService', operation: 'legacy', message });
      this.#record(
        { service: 'LegacyCacheService', operation: 'legacy', method, path: url.pathname, status: 422 },
        res,
        legacyCacheAnswer(),
      );
      return;
    }
    const route = twirpRoute(url.pathname) ?? { service: '', method: url.pathname };
    const service = this.#processors.serviceOfTwirp(route.service);
    const entry: ResultsRequestLogEntry = { service, operation: route.method, method, path: url.pathname, status: 0 };
    const fault = this.#faults.take(service, route.method);
    await this.#answer(res, entry, fault, twirpFaultAnswer, () =>
      this.#processors.twirp({ method, route, headers: req.headers, body, entry }, fault),
    );
  }

  #serveBlob(
    method: string,
    url: URL,
    location: BlobLocation,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const nowMs = this.#processors.nowMs();
    const service = this.#processors.serviceOfContainer(location.container);
    const entry: ResultsRequestLogEntry = {
      service,
      operation: 'blob',
      method,
      path: `/${location.container}/${location.blob}`,
      status: 0,
    };
    let operation: ReturnType<typeof blobOperation>;
    try {
      operation = blobOperation(method, url.searchParams);
    } catch (error) {
      this.#record(entry, res, blobErrorAnswer(error as BlobError, nowMs, method));
      return Promise.resolve();
    }
    entry.operation = operation;
    const fault = this.#faults.take(service, operation);
    return this.#answer(
      res,
      entry,
      fault,
      (f) => blobFaultAnswer(f, nowMs, method),
      () => {
        try {
          return handleBlobRequest(
            this.#processors.blobs,
            operation,
            { method, location, query: url.searchParams, headers: req.headers, body },
            this.#processors.accountKey,
            this.#processors.nowMs(),
          );
        } catch (error) {
          if (error instanceof BlobError) return blobErrorAnswer(error, nowMs, method);
          throw error;
        }
      },
    );
  }

  async #answer(
    res: ServerResponse,
    entry: ResultsRequestLogEntry,
    fault: ResultsFault | undefined,
    faultAnswer: (fault: ResultsFault) => Answer | undefined,
    process: () => Answer,
  ): Promise<void> {
    if (fault) entry.fault = describeResultsFault(fault);
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (fault && 'drop' in fault && fault.drop === 'before') {
      this.requests.push(entry);
      res.destroy();
      return;
    }
    const answer = (fault && faultAnswer(fault)) || process();
    if (fault && 'drop' in fault && fault.drop === 'after') {
      entry.status = answer.status;
      this.requests.push(entry);
      res.destroy();
      return;
    }
    const bytesPerSecond = fault && 'bytesPerSecond' in fault ? fault.bytesPerSecond : undefined;
    this.#record(entry, res, answer, bytesPerSecond);
  }

  #record(entry: ResultsRequestLogEntry, res: ServerResponse, answer: Answer, bytesPerSecond?: number): void {
    entry.status = answer.status;
    const error = answer.headers['x-ms-error-code'] ?? twirpCodeOf(answer);
    if (answer.status >= 400 && error) entry.error = error;
    this.requests.push(entry);
    res.writeHead(answer.status, answer.headers);
    if (bytesPerSecond === undefined) {
      for (const chunk of answer.body ?? []) res.write(chunk);
      res.end();
      return;
    }
    void trickle(res, answer.body ?? [], bytesPerSecond);
  }

  #blobLocation(url: URL): BlobLocation | undefined {
    const azure = AZURE_BLOB_HOST.exec(url.hostname);
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    if (azure) {
      const [container = '', ...blob] = segments;
      return { account: azure[1] ?? '', container, blob: blob.join('/') };
    }
    // Loopback URLs are path-style, as Azurite serves them: /account/container/blob.
    const [account = '', container = '', ...blob] = segments;
    if (url.host !== new URL(this.baseUrl).host || !this.#processors.accounts.includes(account)) return undefined;
    return { account, container, blob: blob.join('/') };
  }
}

function twirpCodeOf(answer: Answer): string | undefined {
  if (!answer.headers['content-type']?.startsWith('application/json') || answer.status < 400) return undefined;
  try {
    const parsed = JSON.parse(Buffer.concat(answer.body ?? []).toString('utf8')) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

async function trickle(res: ServerResponse, chunks: readonly Buffer[], bytesPerSecond: number): Promise<void> {
  const sliceBytes = Math.max(1, Math.floor((bytesPerSecond * TRICKLE_INTERVAL_MS) / 1000));
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.length && !res.destroyed; offset += sliceBytes) {
      res.write(chunk.subarray(offset, offset + sliceBytes));
      await sleep(TRICKLE_INTERVAL_MS);
    }
  }
  res.end();
}
