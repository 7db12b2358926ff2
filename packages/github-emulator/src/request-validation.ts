// Checks a request against its OpenAPI operation the way GitHub does before
// running it: path parameters (404), query parameters and JSON body (422).
import type { ErrorObject } from 'ajv';
import { GitHubHttpError, notFound } from './handler.ts';
import { describeAjvError, validateAgainst, type LoadedSpec, type OpenApiOperation } from './openapi-schemas.ts';

export interface RequestParts {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  hasBody: boolean;
}

/** Throws GitHub's answer for an invalid request; `onViolation` hears every reason. */
export function validateRequest(
  spec: LoadedSpec,
  operation: OpenApiOperation,
  parts: RequestParts,
  onViolation: (message: string) => void,
): void {
  for (const parameter of operation.parameters) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const raw = parameter.in === 'path' ? parts.params[parameter.name] : (parts.query.get(parameter.name) ?? undefined);
    if (raw === undefined) {
      if (parameter.required) {
        onViolation(`missing required ${parameter.in} parameter "${parameter.name}"`);
        throw invalid(operation, `"${parameter.name}" wasn't supplied.`, [
          { code: 'missing_field', field: parameter.name },
        ]);
      }
      continue;
    }
    const errors = validateAgainst(spec, parameter.schema, coerce(raw, parameter.schema));
    if (!errors) continue;
    onViolation(
      `${parameter.in} parameter "${parameter.name}"=${JSON.stringify(raw)}: ${errors.map(describeAjvError).join('; ')}`,
    );
    if (parameter.in === 'path') throw notFound({ operation });
    throw invalid(operation, `For '${parameter.name}', ${JSON.stringify(raw)} is not valid.`, [
      { code: 'invalid', field: parameter.name },
    ]);
  }
  if (!operation.requestBodySchema) return;
  if (!parts.hasBody && !operation.requestBodyRequired) return;
  const body = parts.hasBody ? parts.body : {};
  const errors = validateAgainst(spec, operation.requestBodySchema, body);
  if (!errors) return;
  for (const error of errors) onViolation(`body ${describeAjvError(error)}`);
  throw invalid(operation, errors.map(githubStyleMessage).join('\n'), errors.map(toErrorItem));
}

function invalid(
  operation: OpenApiOperation,
  detail: string,
  errors: Array<{ code: string; field?: string; message?: string }>,
): GitHubHttpError {
  return new GitHubHttpError(422, {
    message: `Invalid request.\n\n${detail}`,
    errors: errors.map((e) => ({ resource: 'Request', ...e })),
    documentation_url: operation.docsUrl,
    status: '422',
  });
}

function propertyPath(error: ErrorObject): string {
  return error.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => `properties/${p}`)
    .join('/');
}

/** Phrased like GitHub's JSON-schema errors ("For 'properties/body', 1 is not a string."). */
function githubStyleMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `"${String(params['missingProperty'])}" wasn't supplied.`;
  if (error.keyword === 'additionalProperties')
    return `"${String(params['additionalProperty'])}" is not a permitted key.`;
  const where = propertyPath(error) || 'body';
  if (error.keyword === 'type')
    return `For '${where}', ${JSON.stringify(error.data)} is not ${article(String(params['type']))}.`;
  return `For '${where}', ${JSON.stringify(error.data)} ${error.message ?? 'is not valid'}.`;
}

function toErrorItem(error: ErrorObject): { code: string; field?: string; message: string } {
  const params = error.params as Record<string, unknown>;
  const field =
    error.keyword === 'required'
      ? String(params['missingProperty'])
      : error.instancePath.split('/').filter(Boolean).join('.');
  return {
    code: error.keyword === 'required' ? 'missing_field' : 'invalid',
    ...(field ? { field } : {}),
    message: githubStyleMessage(error),
  };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Query and path values arrive as strings; turn them into what the schema expects. */
function coerce(raw: string, schema: unknown): unknown {
  const type = (schema as { type?: unknown } | undefined)?.type;
  const types = Array.isArray(type) ? type : [type];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (types.includes('array')) return raw.split(',');
  return raw;
}
