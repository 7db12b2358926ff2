// The HTTP adapter: `mlship serve` (the reference server) and any service
// that speaks its API. A server that does not answer is retried a bounded
// number of times, then the step fails with one line and the rollout stays
// where it was: nothing is promoted on a silent server.
import { z } from 'zod';
import { EvidenceSchema, TrafficStateSchema, type Evidence, type TrafficRequest } from '../evidence.ts';
import { ServingError, type EvidenceQuery, type TrafficAdapter } from './traffic-adapter.ts';

export interface HttpTrafficOptions {
  /** The traffic endpoint of a model (PUT). */
  trafficUrl: (model: string) => string;
  /** The evidence endpoint of a model (GET), without the query; undefined: no evidence source. */
  evidenceUrl?: ((model: string) => string) | undefined;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string | undefined;
  /** Tries per request (default 3), waiting 1 s, 2 s... between them. */
  attempts?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** For messages, e.g. "the server at http://…". */
  description: string;
}

/** The reference server's paths under its base URL. */
export function referenceServerTraffic(
  baseUrl: string,
  options: Omit<HttpTrafficOptions, 'trafficUrl' | 'evidenceUrl' | 'description'> = {},
): TrafficAdapter {
  const base = baseUrl.replace(/\/+$/, '');
  const model = (name: string) => `${base}/v2/mlship/models/${encodeURIComponent(name)}`;
  return httpTraffic({
    ...options,
    trafficUrl: (name) => `${model(name)}/traffic`,
    evidenceUrl: (name) => `${model(name)}/evidence`,
    description: `the server at ${base}`,
  });
}

/** URLs with `{model}` where the model's name goes, e.g. `https://ml.internal/traffic/{model}`. */
export function templatedUrl(template: string): (model: string) => string {
  return (model) => template.replaceAll('{model}', encodeURIComponent(model));
}

const ErrorBody = z.object({ error: z.string() });

export function httpTraffic(options: HttpTrafficOptions): TrafficAdapter {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };

  async function call(method: 'GET' | 'PUT', url: string, body?: unknown): Promise<unknown> {
    let lastProblem = '';
    const started = Date.now();
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(1000 * 2 ** (attempt - 2));
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        lastProblem = networkProblem(error);
        continue;
      }
      const text = await response.text();
      if (response.status >= 500) {
        lastProblem = `answered ${response.status}${serverMessage(text)}`;
        continue;
      }
      if (!response.ok)
        throw new ServingError(
          `${options.description} refused ${method} ${url}: ${response.status}${serverMessage(text)}; the rollout is unchanged`,
        );
      try {
        return JSON.parse(text);
      } catch {
        throw new ServingError(
          `${options.description} answered ${method} ${url} with something that is not JSON; the rollout is unchanged`,
        );
      }
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    throw new ServingError(
      `${options.description} did not answer ${method} ${url} (${lastProblem}) after ${attempts} tries in ${seconds} s; the rollout is unchanged and nothing was promoted: start the server or fix its URL, then re-run`,
    );
  }

  return {
    description: options.description,
    async setTraffic(model: string, request: TrafficRequest): Promise<void> {
      const url = options.trafficUrl(model);
      const answer = TrafficStateSchema.safeParse(await call('PUT', url, request));
      if (!answer.success)
        throw new ServingError(
          `${options.description} answered PUT ${url} with ${describeIssue(answer.error)}; it must answer the routing now in force`,
        );
      const state = answer.data;
      if (state.prod !== request.prod || state.canary !== request.canary || state.canaryWeight !== request.canaryWeight)
        throw new ServingError(
          `${options.description} routes prod ${state.prod} / canary ${state.canary ?? 'none'} at ${state.canaryWeight}% after being asked for prod ${request.prod} / canary ${request.canary ?? 'none'} at ${request.canaryWeight}%; the rollout is unchanged`,
        );
    },
    async evidence(query: EvidenceQuery): Promise<Evidence | undefined> {
      if (!options.evidenceUrl) return undefined;
      const url = new URL(options.evidenceUrl(query.model));
      url.searchParams.set('prod', query.prod);
      url.searchParams.set('canary', query.canary);
      url.searchParams.set('since', query.since);
      const parsed = EvidenceSchema.safeParse(await call('GET', url.toString()));
      if (!parsed.success)
        throw new ServingError(
          `${options.description} answered GET ${url} with ${describeIssue(parsed.error)}; it must answer mlship evidence (schemaVersion 1, docs/deploy.md)`,
        );
      return parsed.data;
    },
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `invalid JSON at ${issue.path.join('.') || '(top)'}: ${issue.message}`;
}

function serverMessage(text: string): string {
  try {
    const body = ErrorBody.safeParse(JSON.parse(text));
    // One line: a server's message may hold anything.
    if (body.success) return `: ${body.data.error.replace(/\s+/g, ' ').slice(0, 200)}`;
  } catch {
    // not JSON: the status says enough
  }
  return '';
}

function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
