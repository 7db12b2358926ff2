// Azure Blob Storage's REST protocol for the operations the Azure SDK's
// BlockBlobClient makes for @actions/artifact and @actions/cache: Put Block,
// Put Block List, Put Blob, Get Blob (with x-ms-range / Range and If-Match)
// and Get Blob Properties, each authorised by the URL's service SAS.
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Answer } from './answers.ts';
import { BlobError } from './blob-errors.ts';
import type { BlobStore, BlockListEntry, StoredBlob } from './blob-store.ts';
import { SAS_VERSION, checkBlobSas, type BlobLocation, type SasPermission } from './shared-access-signature.ts';

export type BlobOperation = 'PutBlock' | 'PutBlockList' | 'PutBlob' | 'GetBlob' | 'GetBlobProperties';

export interface BlobRequest {
  method: string;
  location: BlobLocation;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const NEEDED: Readonly<Record<BlobOperation, SasPermission>> = {
  PutBlock: 'w',
  PutBlockList: 'w',
  PutBlob: 'w',
  GetBlob: 'r',
  GetBlobProperties: 'r',
};

/** The operation a request asks for, or a BlobError Azure would answer. */
export function blobOperation(method: string, query: URLSearchParams): BlobOperation {
  const comp = query.get('comp');
  if (method === 'PUT' && comp === 'block') return 'PutBlock';
  if (method === 'PUT' && comp === 'blocklist') return 'PutBlockList';
  if (method === 'PUT' && comp === null) return 'PutBlob';
  if (method === 'GET' && comp === null) return 'GetBlob';
  if (method === 'HEAD' && comp === null) return 'GetBlobProperties';
  if (comp !== null && ['GET', 'PUT', 'HEAD'].includes(method))
    throw new BlobError(
      400,
      'InvalidQueryParameterValue',
      'Value for one of the query parameters specified in the request URI is invalid.',
    );
  throw new BlobError(405, 'UnsupportedHttpVerb', "The resource doesn't support specified Http Verb.");
}

export function handleBlobRequest(
  store: BlobStore,
  operation: BlobOperation,
  request: BlobRequest,
  accountKey: Buffer,
  nowMs: number,
): Answer {
  const sas = checkBlobSas(accountKey, request.location, request.query, nowMs, NEEDED[operation]);
  if (!sas.ok) throw new BlobError(sas.status, sas.code, sas.message, sas.detail);
  const common = commonHeaders(request.headers, nowMs);
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  switch (operation) {
    case 'PutBlock': {
      store.putBlock(request.location, request.query.get('blockid') ?? '', request.body);
      return { status: 201, headers: { ...common, 'x-ms-request-server-encrypted': 'true' } };
    }
    case 'PutBlockList': {
      const entries = parseBlockList(request.body.toString('utf8'));
      const contentType = header('x-ms-blob-content-type') ?? 'application/octet-stream';
      return written(store.putBlockList(request.location, entries, contentType, nowMs), common);
    }
    case 'PutBlob': {
      if (header('x-ms-blob-type') === undefined)
        throw new BlobError(
          400,
          'MissingRequiredHeader',
          "An HTTP header that's mandatory for this request is not specified.",
        );
      if (header('x-ms-blob-type') !== 'BlockBlob')
        throw new BlobError(
          400,
          'InvalidHeaderValue',
          'The value for one of the HTTP headers is not in the correct format.',
        );
      const contentType = header('x-ms-blob-content-type') ?? header('content-type') ?? 'application/octet-stream';
      return written(store.putBlob(request.location, request.body, contentType, nowMs), common);
    }
    case 'GetBlob':
    case 'GetBlobProperties': {
      const blob = store.get(request.location);
      if (!blob) throw new BlobError(404, 'BlobNotFound', 'The specified blob does not exist.');
      const ifMatch = header('if-match');
      if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== blob.etag)
        throw new BlobError(
          412,
          'ConditionNotMet',
          'The condition specified using HTTP conditional header(s) is not met.',
        );
      const properties = {
        ...common,
        'last-modified': new Date(blob.lastModifiedMs).toUTCString(),
        etag: blob.etag,
        'content-type': blob.contentType,
        'accept-ranges': 'bytes',
        'x-ms-blob-type': 'BlockBlob',
        'x-ms-creation-time': new Date(blob.createdMs).toUTCString(),
        'x-ms-lease-state': 'available',
        'x-ms-lease-status': 'unlocked',
        'x-ms-server-encrypted': 'true',
        ...(sas.contentDisposition ? { 'content-disposition': sas.contentDisposition } : {}),
      };
      if (operation === 'GetBlobProperties')
        return { status: 200, headers: { ...properties, 'content-length': String(blob.size) } };
      return readRange(store, blob, header('x-ms-range') ?? header('range'), properties);
    }
  }
}

function readRange(
  store: BlobStore,
  blob: StoredBlob,
  range: string | undefined,
  headers: Record<string, string>,
): Answer {
  if (range === undefined)
    return {
      status: 200,
      headers: { ...headers, 'content-length': String(blob.size) },
      body: store.read(blob, 0, blob.size - 1),
    };
  const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
  if (!match)
    throw new BlobError(
      400,
      'InvalidHeaderValue',
      'The value for one of the HTTP headers is not in the correct format.',
    );
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), blob.size - 1) : blob.size - 1;
  if (start >= blob.size || end < start)
    throw new BlobError(
      416,
      'InvalidRange',
      'The range specified is invalid for the current size of the resource.',
      undefined,
      {
        'content-range': `bytes */${blob.size}`,
      },
    );
  return {
    status: 206,
    headers: {
      ...headers,
      'content-length': String(end - start + 1),
      'content-range': `bytes ${start}-${end}/${blob.size}`,
    },
    body: store.read(blob, start, end),
  };
}

function written(blob: StoredBlob, common: Record<string, string>): Answer {
  return {
    status: 201,
    headers: {
      ...common,
      etag: blob.etag,
      'last-modified': new Date(blob.lastModifiedMs).toUTCString(),
      'x-ms-request-server-encrypted': 'true',
    },
  };
}

function commonHeaders(headers: IncomingHttpHeaders, nowMs: number): Record<string, string> {
  const clientRequestId = headers['x-ms-client-request-id'];
  return {
    'x-ms-request-id': randomUUID(),
    'x-ms-version': typeof headers['x-ms-version'] === 'string' ? headers['x-ms-version'] : SAS_VERSION,
    date: new Date(nowMs).toUTCString(),
    ...(typeof clientRequestId === 'string' ? { 'x-ms-client-request-id': clientRequestId } : {}),
  };
}

/** <BlockList><Latest|Committed|Uncommitted>id</…>…</BlockList>, the body of Put Block List. */
export function parseBlockList(xml: string): BlockListEntry[] {
  const body = xml
    .replace(/^\uFEFF/, '')
    .replace(/^<\?xml[^>]*\?>/, '')
    .trim();
  const root = /^<BlockList>([\s\S]*)<\/BlockList>$/.exec(body);
  if (!root) throw new BlobError(400, 'InvalidXmlDocument', 'XML specified is not syntactically valid.');
  const entries: BlockListEntry[] = [];
  const rest = (root[1] ?? '').replace(
    /<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g,
    (_whole, list: string, id: string) => {
      entries.push({ list: list as BlockListEntry['list'], id: id.trim() });
      return '';
    },
  );
  if (rest.trim() !== '') throw new BlobError(400, 'InvalidXmlDocument', 'XML specified is not syntactically valid.');
  return entries;
}
