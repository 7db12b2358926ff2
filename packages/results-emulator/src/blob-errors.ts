// Azure Blob Storage's error answers: an XML <Error> body with the error code,
// a message ending in the request id and time, and the code again in the
// x-ms-error-code header (learn.microsoft.com, "Blob service error codes").
import { randomUUID } from 'node:crypto';
import type { Answer } from './answers.ts';

export class BlobError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, detail?: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'BlobError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.headers = headers;
  }
}

export function blobErrorAnswer(error: BlobError, nowMs: number, method: string): Answer {
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    ...error.headers,
    'x-ms-request-id': requestId,
    'x-ms-error-code': error.code,
    date: new Date(nowMs).toUTCString(),
  };
  if (method === 'HEAD') return { status: error.status, headers };
  const detail = error.detail
    ? `<AuthenticationErrorDetail>${xmlEscape(error.detail)}</AuthenticationErrorDetail>`
    : '';
  const xml =
    `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${error.code}</Code>` +
    `<Message>${xmlEscape(`${error.message}\nRequestId:${requestId}\nTime:${new Date(nowMs).toISOString()}`)}</Message>` +
    `${detail}</Error>`;
  return {
    status: error.status,
    headers: { ...headers, 'content-type': 'application/xml' },
    body: [Buffer.from(xml, 'utf8')],
  };
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
