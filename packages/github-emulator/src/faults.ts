// Injected faults: the failure modes a GitHub client meets in real life,
// applied to the next matching requests.

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
