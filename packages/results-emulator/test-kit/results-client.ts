// Raw calls to the results service for the emulator's own tests and for tests
// that play "another job": Twirp calls as the clients make them, and blob
// requests that reach *.blob.core.windows.net URLs through the service's proxy.
import { request } from 'node:http';
import type { ResultsService, ResultsServiceName, RunnerJob } from '../src/index.ts';

export const JOB: RunnerJob = {
  repository: 'octo-org/churn-model',
  runId: '1658821493',
  job: 'train',
  ref: 'refs/pull/7/merge',
  baseRef: 'main',
  defaultBranch: 'main',
};

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: Record<string, unknown>;
}

/** POST /twirp/github.actions.results.api.v1.<service>/<method> with a JSON body, as the clients send it. */
export async function callTwirp(
  rs: ResultsService,
  service: ResultsServiceName,
  method: string,
  body: unknown,
  options: { token?: string | undefined; contentType?: string; httpMethod?: string } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(new URL(`twirp/github.actions.results.api.v1.${service}/${method}`, rs.url), {
    method: options.httpMethod ?? 'POST',
    headers,
    ...(options.httpMethod === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return answerOf(response.status, Object.fromEntries(response.headers), Buffer.from(await response.arrayBuffer()));
}

/**
 * A request to a signed blob URL. URLs on *.blob.core.windows.net go to the
 * service as an HTTP proxy (absolute-form request line), as the Azure SDK sends them.
 */
export function blobRequest(
  rs: ResultsService,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawAnswer & { bytes: Buffer }> {
  const target = new URL(url);
  const proxy = rs.proxyUrl && target.hostname.endsWith('.blob.core.windows.net') ? new URL(rs.proxyUrl) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: proxy?.hostname ?? target.hostname,
        port: proxy?.port ?? target.port,
        path: proxy ? target.href : `${target.pathname}${target.search}`,
        method: init.method ?? 'GET',
        headers: { host: target.host, 'x-ms-version': '2025-11-05', ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const headers = Object.fromEntries(
            Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
          );
          resolve({ ...answerOf(res.statusCode ?? 0, headers, bytes), bytes });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function answerOf(status: number, headers: Record<string, string>, bytes: Buffer): RawAnswer {
  const text = bytes.toString('utf8');
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    // not JSON (a blob, an XML error, an HTML page)
  }
  return { status, headers, text, json };
}
