// Azure Storage service SAS for one blob (sr=b), signed and checked as Azure
// does: HMAC-SHA256 under the account key over the string-to-sign of SAS
// version 2020-12-06 and later (learn.microsoft.com, "Create a service SAS").
// A URL whose query was edited, or that names another blob, no longer matches
// its `sig`; one past its `se` is refused for its time frame.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SAS_VERSION = '2024-08-04';

export interface BlobLocation {
  account: string;
  container: string;
  blob: string;
}

/** r read, c create, w write, d delete, in Azure's canonical order. */
export type SasPermission = 'r' | 'c' | 'w' | 'd';

export interface SasOptions {
  permissions: SasPermission[];
  startsOnMs: number;
  expiresOnMs: number;
  /** rscd: the Content-Disposition a read answers with */
  contentDisposition?: string;
}

export function signBlobSas(accountKey: Buffer, location: BlobLocation, options: SasOptions): URLSearchParams {
  const fields: SasFields = {
    sp: canonicalPermissions(options.permissions),
    st: sasTime(options.startsOnMs),
    se: sasTime(options.expiresOnMs),
    sv: SAS_VERSION,
    sr: 'b',
    rscd: options.contentDisposition ?? '',
  };
  const query = new URLSearchParams({ sv: fields.sv, st: fields.st, se: fields.se, sr: fields.sr, sp: fields.sp });
  if (fields.rscd) query.set('rscd', fields.rscd);
  query.set('sig', signature(accountKey, location, fields));
  return query;
}

export type SasCheck =
  | { ok: true; contentDisposition: string | undefined }
  | { ok: false; status: number; code: string; message: string; detail?: string };

/** Checks a request's SAS for `needed` on the blob at `location` at the service's current time. */
export function checkBlobSas(
  accountKey: Buffer,
  location: BlobLocation,
  query: URLSearchParams,
  nowMs: number,
  needed: SasPermission,
): SasCheck {
  const sig = query.get('sig');
  if (!sig)
    return {
      ok: false,
      status: 401,
      code: 'NoAuthenticationInformation',
      message:
        'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
    };
  const fields: SasFields = {
    sp: query.get('sp') ?? '',
    st: query.get('st') ?? '',
    se: query.get('se') ?? '',
    sv: query.get('sv') ?? '',
    sr: query.get('sr') ?? '',
    rscd: query.get('rscd') ?? '',
  };
  for (const name of ['sv', 'sp', 'se', 'sr'] as const) {
    if (!fields[name]) return authenticationFailed(`${name} is mandatory. Cannot be empty`);
  }
  const expected = signature(accountKey, location, fields);
  const given = Buffer.from(sig, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return authenticationFailed(`Signature did not match. String to sign used was ${stringToSign(location, fields)}`);
  const startMs = fields.st ? Date.parse(fields.st) : Number.NEGATIVE_INFINITY;
  const expiryMs = Date.parse(fields.se);
  if (!(nowMs >= startMs && nowMs < expiryMs)) {
    const start = fields.st ? new Date(startMs).toUTCString() : '';
    return authenticationFailed(
      `Signature not valid in the specified time frame: Start [${start}] - Expiry [${new Date(expiryMs).toUTCString()}] - Current [${new Date(nowMs).toUTCString()}]`,
    );
  }
  if (!fields.sp.includes(needed))
    return {
      ok: false,
      status: 403,
      code: 'AuthorizationPermissionMismatch',
      message: 'This request is not authorized to perform this operation using this permission.',
    };
  return { ok: true, contentDisposition: fields.rscd || undefined };
}

interface SasFields {
  sp: string;
  st: string;
  se: string;
  sv: string;
  sr: string;
  rscd: string;
}

function signature(accountKey: Buffer, location: BlobLocation, fields: SasFields): string {
  return createHmac('sha256', accountKey).update(stringToSign(location, fields), 'utf8').digest('base64');
}

// signedPermissions, signedStart, signedExpiry, canonicalizedResource,
// signedIdentifier, signedIP, signedProtocol, signedVersion, signedResource,
// signedSnapshotTime, signedEncryptionScope, rscc, rscd, rsce, rscl, rsct
function stringToSign(location: BlobLocation, fields: SasFields): string {
  const resource = `/blob/${location.account}/${location.container}/${location.blob}`;
  return [
    fields.sp,
    fields.st,
    fields.se,
    resource,
    '',
    '',
    '',
    fields.sv,
    fields.sr,
    '',
    '',
    '',
    fields.rscd,
    '',
    '',
    '',
  ].join('\n');
}

function authenticationFailed(detail: string): SasCheck {
  return {
    ok: false,
    status: 403,
    code: 'AuthenticationFailed',
    message:
      'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
    detail,
  };
}

function canonicalPermissions(permissions: SasPermission[]): string {
  return 'rcwd'
    .split('')
    .filter((p) => permissions.includes(p as SasPermission))
    .join('');
}

/** ISO 8601 in whole seconds, as Azure SDKs write SAS times. */
function sasTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
