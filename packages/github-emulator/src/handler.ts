// The contract between the request pipeline and the endpoint handlers.
import type { IncomingHttpHeaders } from 'node:http';
import type { OpenApiOperation } from './openapi-schemas.ts';
import type { EmulatorCore } from './emulator-core.ts';
import type { RepoRecord, TokenRecord } from './state.ts';

export interface RequestContext {
  core: EmulatorCore;
  operation: OpenApiOperation;
  params: Record<string, string>;
  query: URLSearchParams;
  /** parsed JSON body (undefined when none) */
  body: unknown;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  token: TokenRecord;
  /** the request URL as the client sent it, for Link headers */
  url: URL;
}

export interface RepoContext extends RequestContext {
  repo: RepoRecord;
}

export interface HandlerResult {
  status: number;
  /** JSON body */
  body?: unknown;
  /** non-JSON body (asset downloads) */
  raw?: { bytes: Buffer; contentType: string };
  headers?: Record<string, string>;
}

export type RepoHandler = (ctx: RepoContext) => HandlerResult;
export type GlobalHandler = (ctx: RequestContext) => HandlerResult;

/** An answer GitHub gives instead of the normal response (404, 422, 403 ...). */
export class GitHubHttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body['message'] ?? status));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export function notFound(ctx: { operation?: OpenApiOperation }): GitHubHttpError {
  return new GitHubHttpError(404, {
    message: 'Not Found',
    documentation_url: ctx.operation?.docsUrl ?? 'https://docs.github.com/rest',
    status: '404',
  });
}

export interface ValidationErrorItem {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
}

/** GitHub's 422 "Validation Failed" body, with its errors list. */
export function validationFailed(
  ctx: { operation: OpenApiOperation },
  errors: ValidationErrorItem[],
  message = 'Validation Failed',
): GitHubHttpError {
  return new GitHubHttpError(422, { message, errors, documentation_url: ctx.operation.docsUrl, status: '422' });
}

export function unprocessable(ctx: { operation: OpenApiOperation }, message: string): GitHubHttpError {
  return new GitHubHttpError(422, { message, documentation_url: ctx.operation.docsUrl, status: '422' });
}

/** An integer path parameter, or 404 like GitHub for a non-number. */
export function intParam(ctx: RequestContext, name: string): number {
  const value = Number(ctx.params[name]);
  if (!Number.isSafeInteger(value)) throw notFound(ctx);
  return value;
}

export function bodyOf(ctx: RequestContext): Record<string, unknown> {
  return ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body)
    ? (ctx.body as Record<string, unknown>)
    : {};
}
