// ACTIONS_RUNTIME_TOKEN: the JWT the runner hands a job's node actions. Its
// `scp` claim carries `Actions.Results:<run backend id>:<job backend id>` (what
// @actions/artifact reads to address its requests) and its `ac` claim the cache
// scopes, a JSON string of [{"Scope":"refs/heads/main","Permission":3}]
// (1 read, 2 write, 3 both), in lookup order; `acsl` is the repository's cache
// size limit in GB. Signed RS256 by the service's own key, as the runner's token
// service signs it, so a tampered or foreign token fails verification.
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';

export const TOKEN_ISSUER = 'vstoken.actions.githubusercontent.com';
const RESULTS_SCOPE = 'Actions.Results';
/** Clock skew the verifier tolerates on `nbf`, as token services commonly do. */
const NOT_BEFORE_SKEW_SECONDS = 300;

export const CachePermission = { read: 1, write: 2, readWrite: 3 } as const;

export interface CacheScopeGrant {
  /** a git ref: refs/heads/main, refs/pull/7/merge, refs/tags/v1 */
  scope: string;
  /** 1 read, 2 write, 3 read and write */
  permission: number;
}

export interface RuntimeTokenClaims {
  scp: string;
  ac: string;
  acsl: string;
  iss: string;
  aud: string;
  nbf: number;
  iat: number;
  exp: number;
  [claim: string]: unknown;
}

export interface RuntimeIdentity {
  runBackendId: string;
  jobBackendId: string;
  cacheScopes: CacheScopeGrant[];
  cacheLimitGb: number;
  expiresAtSeconds: number;
}

export interface TokenKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

let processKeys: TokenKeys | undefined;

/** One RSA key pair per process: generating one costs tens of milliseconds. */
export function tokenKeys(): TokenKeys {
  processKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return processKeys;
}

export function signRuntimeToken(keys: TokenKeys, claims: RuntimeTokenClaims): string {
  const header = { typ: 'JWT', alg: 'RS256', x5t: 'bWxzaGlwLXJlc3VsdHMtZW11bGF0b3I' };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(keys.privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

export function resultsScope(runBackendId: string, jobBackendId: string): string {
  return `${RESULTS_SCOPE}:${runBackendId}:${jobBackendId}`;
}

export type TokenCheck = { ok: true; identity: RuntimeIdentity } | { ok: false; reason: string };

/** Verifies signature, issuer and lifetime, then reads the job's identity from `scp` and `ac`. */
export function verifyRuntimeToken(keys: TokenKeys, token: string, nowSeconds: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'the token is not a JWT' };
  const [headerPart = '', claimsPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  if (!header || header['alg'] !== 'RS256') return { ok: false, reason: 'the token is not signed with RS256' };
  const verifier = createVerify('RSA-SHA256').update(`${headerPart}.${claimsPart}`);
  if (!verifier.verify(keys.publicKey, Buffer.from(signaturePart, 'base64url')))
    return { ok: false, reason: 'the token signature is invalid' };
  const claims = decodeJson(claimsPart);
  if (!claims) return { ok: false, reason: 'the token claims are not JSON' };
  if (claims['iss'] !== TOKEN_ISSUER) return { ok: false, reason: `the token issuer is not ${TOKEN_ISSUER}` };
  const exp = claims['exp'];
  const nbf = claims['nbf'];
  if (typeof exp !== 'number' || typeof nbf !== 'number') return { ok: false, reason: 'the token has no lifetime' };
  if (nowSeconds >= exp) return { ok: false, reason: `the token expired at ${new Date(exp * 1000).toISOString()}` };
  if (nowSeconds + NOT_BEFORE_SKEW_SECONDS < nbf) return { ok: false, reason: 'the token is not valid yet' };
  const ids = readResultsScope(typeof claims['scp'] === 'string' ? claims['scp'] : '');
  if (!ids) return { ok: false, reason: `the token has no ${RESULTS_SCOPE} scope` };
  const cacheScopes = readCacheScopes(claims['ac']);
  if (!cacheScopes) return { ok: false, reason: 'the token has a malformed ac claim' };
  const cacheLimitGb = Number(claims['acsl'] ?? '10');
  return {
    ok: true,
    identity: {
      ...ids,
      cacheScopes,
      cacheLimitGb: Number.isFinite(cacheLimitGb) && cacheLimitGb > 0 ? cacheLimitGb : 10,
      expiresAtSeconds: exp,
    },
  };
}

/** The same reading @actions/artifact makes: the first `Actions.Results:RUN:JOB` among space-separated scopes. */
function readResultsScope(scp: string): { runBackendId: string; jobBackendId: string } | undefined {
  for (const scope of scp.split(' ')) {
    const parts = scope.split(':');
    if (parts[0] !== RESULTS_SCOPE) continue;
    if (parts.length !== 3 || !parts[1] || !parts[2]) return undefined;
    return { runBackendId: parts[1], jobBackendId: parts[2] };
  }
  return undefined;
}

function readCacheScopes(ac: unknown): CacheScopeGrant[] | undefined {
  if (ac === undefined) return [];
  if (typeof ac !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(ac);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const grants: CacheScopeGrant[] = [];
  for (const item of parsed) {
    const scope = (item as { Scope?: unknown }).Scope;
    const permission = (item as { Permission?: unknown }).Permission;
    if (typeof scope !== 'string' || typeof permission !== 'number') return undefined;
    grants.push({ scope, permission });
  }
  return grants;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
