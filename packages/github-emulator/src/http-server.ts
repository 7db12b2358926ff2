// The HTTP side of the emulator: routes each request through faults,
// authentication, rate limit, OpenAPI validation, permissions, the handler,
// and response validation, and records what happened.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody, startLoopbackServer, type LoopbackServer } from '@mlship/loopback-server';
import { GitHubHttpError, notFound, type HandlerResult, type RequestContext } from './handler.ts';
import { EmulatorCore } from './emulator-core.ts';
import { FaultQueue, describeFault, faultAnswer } from './faults.ts';
import { jsonAnswer, type Answer } from './answers.ts';
import { describeAjvError, validateAgainst, type LoadedSpec, type OpenApiOperation } from './openapi-schemas.ts';
import { RouteTable } from './openapi-routes.ts';
import { isPermitted } from './permissions.ts';
import { validateRequest } from './request-validation.ts';
import { globalHandlers, repoHandlers } from './handlers/index.ts';
import { handleGraphql } from './graphql/graphql-endpoint.ts';
import { handleBlobDownload } from './handlers/blobs.ts';
import type { RequestLogEntry, Violation } from './request-log.ts';
import type { TokenRecord } from './state.ts';

const API_PREFIX = '/api/v3';
const UPLOADS_PREFIX = '/api/uploads';
const GRAPHQL_PATH = '/api/graphql';
const UNAUTHENTICATED_LIMIT = 60;
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/**
 * Answers GitHub gives that the OpenAPI description omits: immutable releases
 * (documented in GitHub's guide, not in the per-operation responses) refuse
 * asset edits and deletes with 422.
 */
const UNDOCUMENTED_ANSWERS: Record<string, number[]> = {
  'repos/update-release-asset': [422],
  'repos/delete-release-asset': [422],
};

export class EmulatorServer {
  readonly core: EmulatorCore;
  readonly requests: RequestLogEntry[] = [];
  readonly violations: Violation[] = [];
  readonly faults = new FaultQueue();
  readonly #spec: LoadedSpec;
  readonly #routes: RouteTable;
  readonly #server: LoopbackServer;

  private constructor(server: LoopbackServer, core: EmulatorCore, spec: LoadedSpec, routes: RouteTable) {
    this.#server = server;
    this.core = core;
    this.#spec = spec;
    this.#routes = routes;
  }

  static async start(spec: LoadedSpec, routes: RouteTable, rateLimitPerHour: number): Promise<EmulatorServer> {
    let instance: EmulatorServer | undefined;
    const server = await startLoopbackServer({
      name: 'github-emulator',
      // The instance exists before the server listens, so before any request.
      handle: (req, res) => instance!.handle(req, res),
      // An emulator bug must not crash the test process; answer 500 and say why.
      errorAnswer: { contentType: 'application/json', body: JSON.stringify({ message: 'Emulator error' }) },
    });
    const core = new EmulatorCore(
      {
        serverUrl: server.url,
        apiUrl: `${server.url}${API_PREFIX}`,
        graphqlUrl: `${server.url}${GRAPHQL_PATH}`,
        uploadsUrl: `${server.url}${UPLOADS_PREFIX}`,
      },
      rateLimitPerHour,
    );
    instance = new EmulatorServer(server, core, spec, routes);
    return instance;
  }

  stop(): Promise<void> {
    return this.#server.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.core.urls.serverUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const apiPath = url.pathname.startsWith(`${API_PREFIX}/`)
      ? url.pathname.slice(API_PREFIX.length)
      : url.pathname.startsWith(`${UPLOADS_PREFIX}/`)
        ? url.pathname.slice(UPLOADS_PREFIX.length)
        : url.pathname === GRAPHQL_PATH
          ? '/graphql'
          : undefined;
    const entry: RequestLogEntry = {
      method,
      path: apiPath ?? url.pathname,
      query: url.search,
      status: 0,
      operationId: undefined,
      login: undefined,
    };
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, MAX_BODY_BYTES);
    } catch {
      res.destroy();
      return;
    }
    if (apiPath === undefined) {
      const blob = handleBlobDownload(this.core, method, url);
      this.#send(
        res,
        blob ?? { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not Found') },
      );
      return;
    }
    this.requests.push(entry);
    const fault = this.faults.take(method, apiPath);
    if (fault) entry.fault = describeFault(fault);
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (fault && 'drop' in fault && fault.drop === 'before') {
      res.destroy();
      return;
    }
    const answer = (fault && faultAnswer(fault)) || (await this.#process(method, apiPath, url, req, rawBody, entry));
    entry.status = answer.status;
    if (fault && 'drop' in fault && fault.drop === 'after') {
      res.destroy();
      return;
    }
    this.#send(res, answer);
  }

  async #process(
    method: string,
    apiPath: string,
    url: URL,
    req: IncomingMessage,
    rawBody: Buffer,
    entry: RequestLogEntry,
  ): Promise<Answer> {
    const token = this.#authenticate(req);
    if (token === 'unknown')
      return jsonAnswer(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    if (token) entry.login = token.user.login;
    if (apiPath === '/graphql') {
      entry.operationId = 'graphql';
      if (!token)
        return jsonAnswer(401, {
          message: 'This endpoint requires you to be authenticated.',
          documentation_url:
            'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
        });
      if (!this.core.spendRateLimit(token)) return this.#rateLimited(token);
      const body = parseJson(rawBody);
      const outcome = await handleGraphql(this.core, token, body.ok ? body.value : undefined);
      for (const message of outcome.queryErrors) {
        this.violations.push({ direction: 'request', operationId: 'graphql', method, path: apiPath, message });
      }
      return this.#withRateHeaders(jsonAnswer(200, outcome.body), token, 'graphql');
    }
    const route = this.#routes.match(method, apiPath);
    if (!route) {
      this.violations.push({
        direction: 'request',
        operationId: undefined,
        method,
        path: apiPath,
        message: `no ${method} operation for this path in the OpenAPI description`,
      });
      return this.#withRateHeaders(
        jsonAnswer(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }),
        token,
      );
    }
    const { operation } = route;
    entry.operationId = operation.operationId;
    const finish = (result: HandlerResult): Answer => {
      this.#validateResponse(operation, method, apiPath, result);
      const answer: Answer = result.raw
        ? {
            status: result.status,
            headers: { 'content-type': result.raw.contentType, ...result.headers },
            body: result.raw.bytes,
          }
        : jsonAnswer(result.status, result.body, result.headers);
      return this.#withRateHeaders(conditional(method, req, answer, token), token);
    };
    const fail = (error: GitHubHttpError): Answer =>
      finish({ status: error.status, body: error.body, headers: error.headers });
    if (!token) {
      return fail(
        new GitHubHttpError(401, {
          message: 'Requires authentication',
          documentation_url: operation.docsUrl,
          status: '401',
        }),
      );
    }
    if (!this.core.spendRateLimit(token)) return this.#rateLimited(token);
    const isJson = rawBody.length > 0 && !isBinaryUpload(operation.operationId);
    const parsed = isJson ? parseJson(rawBody) : { ok: true as const, value: undefined };
    if (!parsed.ok) {
      this.violations.push({
        direction: 'request',
        operationId: operation.operationId,
        method,
        path: apiPath,
        message: 'body is not valid JSON',
      });
      return fail(
        new GitHubHttpError(400, {
          message: 'Problems parsing JSON',
          documentation_url: operation.docsUrl,
          status: '400',
        }),
      );
    }
    try {
      validateRequest(
        this.#spec,
        operation,
        { params: route.params, query: url.searchParams, body: parsed.value, hasBody: isJson },
        (message) =>
          this.violations.push({
            direction: 'request',
            operationId: operation.operationId,
            method,
            path: apiPath,
            message,
          }),
      );
      const ctx: RequestContext = {
        core: this.core,
        operation,
        params: route.params,
        query: url.searchParams,
        body: parsed.value,
        rawBody,
        headers: req.headers,
        token,
        url,
      };
      const repoHandler = repoHandlers[operation.operationId];
      const globalHandler = globalHandlers[operation.operationId];
      if (repoHandler) {
        const repo = this.core.findRepo(route.params['owner'] ?? '', route.params['repo'] ?? '');
        if (!repo) throw notFound(ctx);
        if (!isPermitted(token.permissions, operation.operationId, method)) throw forbidden(operation.docsUrl, token);
        return finish(repoHandler({ ...ctx, repo }));
      }
      if (globalHandler) return finish(globalHandler(ctx));
      return jsonAnswer(501, {
        message: `The emulator does not implement ${operation.operationId}`,
        documentation_url: operation.docsUrl,
      });
    } catch (error) {
      if (error instanceof GitHubHttpError) return fail(error);
      console.error(error);
      return jsonAnswer(500, { message: `Emulator error: ${(error as Error).message}` });
    }
  }

  #authenticate(req: IncomingMessage): TokenRecord | 'unknown' | undefined {
    const header = req.headers.authorization;
    if (!header) return undefined;
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    return (match && this.core.state.tokens.get(match[1] ?? '')) || 'unknown';
  }

  #rateLimited(token: TokenRecord): Answer {
    return this.#withRateHeaders(
      jsonAnswer(403, {
        message: `API rate limit exceeded for installation ID ${token.user.id}. If you reach out to GitHub Support for help, please include the request ID.`,
        documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
        status: '403',
      }),
      token,
    );
  }

  #withRateHeaders(answer: Answer, token: TokenRecord | undefined, resource: 'core' | 'graphql' = 'core'): Answer {
    const limit = token?.rateLimit ?? {
      limit: UNAUTHENTICATED_LIMIT,
      used: 0,
      resetEpochSeconds: Math.floor(Date.now() / 1000) + 3600,
    };
    answer.headers = {
      'x-ratelimit-limit': String(limit.limit),
      'x-ratelimit-remaining': String(Math.max(0, limit.limit - limit.used)),
      'x-ratelimit-used': String(limit.used),
      'x-ratelimit-reset': String(limit.resetEpochSeconds),
      'x-ratelimit-resource': resource,
      ...answer.headers,
    };
    return answer;
  }

  #validateResponse(operation: OpenApiOperation, method: string, path: string, result: HandlerResult): void {
    if (result.raw || (result.body === undefined && result.status >= 300 && result.status < 400)) return;
    const operationId = operation.operationId;
    const key = operation.responseSchemas.has(String(result.status))
      ? String(result.status)
      : operation.responseSchemas.has('default')
        ? 'default'
        : undefined;
    const record = (message: string) =>
      this.violations.push({ direction: 'response', operationId, method, path, message });
    // GitHub answers 401, 403 (permissions, rate limits) and 404 (absent or hidden resources)
    // on every operation without documenting them per operation.
    if (key === undefined) {
      const known =
        [401, 403, 404].includes(result.status) || UNDOCUMENTED_ANSWERS[operationId]?.includes(result.status);
      if (!known) record(`status ${result.status} is not documented for this operation`);
      return;
    }
    const errors = validateAgainst(this.#spec, operation.responseSchemas.get(key), result.body);
    for (const error of errors ?? []) record(`status ${result.status} ${describeAjvError(error)}`);
  }

  #send(res: ServerResponse, answer: Answer): void {
    res.writeHead(answer.status, { 'x-github-request-id': randomUUID().toUpperCase(), ...answer.headers });
    res.end(answer.body);
  }
}

/** GitHub names the kind of token that fell short: an app installation (GITHUB_TOKEN) or a personal access token. */
/**
 * GitHub's conditional requests: a GET answer carries an ETag, and a request
 * whose If-None-Match names it gets 304 without a body and without costing
 * rate limit.
 */
function conditional(method: string, req: IncomingMessage, answer: Answer, token: TokenRecord | undefined): Answer {
  if (method !== 'GET' || answer.status !== 200 || !answer.body) return answer;
  const etag = `W/"${createHash('sha256').update(answer.body).digest('hex').slice(0, 40)}"`;
  answer.headers['etag'] = etag;
  const wanted = req.headers['if-none-match'];
  if (!wanted || !wanted.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag.replace(/^W\//, '')))
    return answer;
  if (token && token.rateLimit.used > 0) token.rateLimit.used--;
  return { status: 304, headers: { etag } };
}

function forbidden(docsUrl: string, token: TokenRecord): GitHubHttpError {
  const kind = token.user.type === 'Bot' ? 'integration' : 'personal access token';
  return new GitHubHttpError(403, {
    message: `Resource not accessible by ${kind}`,
    documentation_url: docsUrl,
    status: '403',
  });
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function isBinaryUpload(operationId: string): boolean {
  return operationId === 'repos/upload-release-asset';
}
