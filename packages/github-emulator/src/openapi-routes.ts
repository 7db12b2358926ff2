// Matches a request (method + path) to the OpenAPI operation GitHub would
// serve it with, the way GitHub's router does: literal segments win over
// parameters, and a trailing ref, tag or path parameter may span slashes.
import type { OpenApiOperation } from './openapi-schemas.ts';

export interface RouteMatch {
  operation: OpenApiOperation;
  params: Record<string, string>;
}

interface CompiledRoute {
  operation: OpenApiOperation;
  segments: string[];
  /** number of literal segments: more literals = more specific */
  literalCount: number;
}

export class RouteTable {
  readonly #byMethod = new Map<string, CompiledRoute[]>();

  constructor(operations: OpenApiOperation[]) {
    for (const operation of operations) {
      const segments = operation.pathTemplate.split('/').filter(Boolean);
      const route = { operation, segments, literalCount: segments.filter((s) => !isParam(s)).length };
      const list = this.#byMethod.get(operation.method) ?? [];
      list.push(route);
      this.#byMethod.set(operation.method, list);
    }
  }

  /** The operation serving `method path` (path without the API prefix, still percent-encoded). */
  match(method: string, rawPath: string): RouteMatch | undefined {
    const routes = this.#byMethod.get(method.toUpperCase()) ?? [];
    const segments = rawPath.split('/').filter(Boolean);
    let best: { match: RouteMatch; score: number } | undefined;
    for (const route of routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      const score = route.literalCount * 2 + (params.spanned ? 0 : 1);
      if (!best || score > best.score) best = { match: { operation: route.operation, params: params.values }, score };
    }
    return best?.match;
  }
}

// Parameters GitHub lets span slashes when they are the last segment
// (refs like "heads/feature/x", tags like "models/churn@v1.0.0", file paths).
const SPANNING_PARAMS = new Set(['{ref}', '{path}', '{tag}']);

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

function matchSegments(
  template: string[],
  actual: string[],
): { values: Record<string, string>; spanned: boolean } | undefined {
  const values: Record<string, string> = {};
  const lastSpans = SPANNING_PARAMS.has(template[template.length - 1] ?? '');
  if (actual.length !== template.length && !(lastSpans && actual.length > template.length)) return undefined;
  for (let i = 0; i < template.length; i++) {
    const t = template[i] ?? '';
    const a = actual[i] ?? '';
    if (isParam(t)) {
      const isLast = i === template.length - 1;
      const raw = isLast ? actual.slice(i).join('/') : a;
      values[t.slice(1, -1)] = safeDecode(raw);
    } else if (t !== a) {
      return undefined;
    }
  }
  return { values, spanned: actual.length > template.length };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
