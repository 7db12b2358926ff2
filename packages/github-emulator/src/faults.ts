// Injected faults: the failure modes a GitHub client meets in real life,
// applied to the next matching requests.
import { jsonAnswer, type Answer } from './answers.ts';

export type Fault =
  | { status: 500 | 502 | 503 }
  | { rateLimit: 'primary' }
  | { rateLimit: 'secondary'; retryAfterSeconds?: number }
  | { drop: 'before' | 'after' }
  | { delayMs: number };

export interface FaultRule {
  /** HTTP method to match (any when absent) */
  method?: string;
  /** the API path without its prefix, e.g. "/repos/o/r/issues/1/comments": a string must equal it, a RegExp must match it */
  path?: RegExp | string;
  /** how many matching requests it applies to (default 1) */
  times?: number;
  fault: Fault;
}

interface ActiveFault {
  rule: FaultRule;
  remaining: number;
}

export class FaultQueue {
  readonly #active: ActiveFault[] = [];

  add(rule: FaultRule): void {
    this.#active.push({ rule, remaining: rule.times ?? 1 });
  }

  /** The fault for this request, consuming one use of it, if any rule matches. */
  take(method: string, path: string): Fault | undefined {
    const index = this.#active.findIndex((f) => f.remaining > 0 && matches(f.rule, method, path));
    const found = this.#active[index];
    if (!found) return undefined;
    found.remaining--;
    if (found.remaining <= 0) this.#active.splice(index, 1);
    return found.rule.fault;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? path === rule.path : rule.path.test(path);
}

export function describeFault(fault: Fault): string {
  if ('status' in fault) return `status ${fault.status}`;
  if ('rateLimit' in fault) return `rate limit ${fault.rateLimit}`;
  if ('drop' in fault) return `drop ${fault.drop}`;
  return `delay ${fault.delayMs} ms`;
}

const RATE_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** The answer a status or rate-limit fault gives instead of processing; undefined for the other kinds. */
export function faultAnswer(fault: Fault): Answer | undefined {
  if ('status' in fault) {
    const message =
      fault.status === 500 ? 'Server Error' : fault.status === 502 ? 'Bad Gateway' : 'Service Unavailable';
    return jsonAnswer(fault.status, { message });
  }
  if (!('rateLimit' in fault)) return undefined;
  if (fault.rateLimit === 'primary') {
    // Resets in a second so clients that wait for x-ratelimit-reset stay fast in tests.
    const resetSeconds = Math.floor(Date.now() / 1000) + 1;
    return jsonAnswer(
      403,
      {
        message:
          'API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.',
        documentation_url: RATE_LIMIT_DOCS,
        status: '403',
      },
      {
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '1000',
        'x-ratelimit-reset': String(resetSeconds),
        'x-ratelimit-resource': 'core',
      },
    );
  }
  return jsonAnswer(
    403,
    {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
      documentation_url: `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
      status: '403',
    },
    { 'retry-after': String(fault.retryAfterSeconds ?? 60) },
  );
}
