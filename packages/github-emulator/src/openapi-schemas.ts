// Loads GitHub's published OpenAPI description and turns its schemas into ajv
// validators. Everything here is cached at module level so that many emulators
// in one test process share one parse and one set of compiled validators.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** The descriptions @octokit/openapi ships: GitHub.com, GHEC and GitHub Enterprise Server releases. */
export type SpecName = 'api.github.com' | 'ghec' | 'ghes-3.17' | 'ghes-3.18' | 'ghes-3.19';

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
}

export interface OpenApiOperation {
  operationId: string;
  method: string;
  pathTemplate: string;
  parameters: OpenApiParameter[];
  requestBodySchema: unknown | undefined;
  requestBodyRequired: boolean;
  /** status code (or "default") → JSON response schema, undefined when the response has no JSON body */
  responseSchemas: Map<string, unknown | undefined>;
  docsUrl: string;
}

export interface LoadedSpec {
  operations: OpenApiOperation[];
  ajv: Ajv;
}

const SCHEMA_ROOT_ID = 'gh';
const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];
const specs = new Map<SpecName, LoadedSpec>();

/** The parsed spec for `name`, loaded on first use. */
export function loadSpec(name: SpecName): LoadedSpec {
  const cached = specs.get(name);
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = require.resolve(`@octokit/openapi/generated/${name}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSpec;
  const components = toJsonSchema(raw.components) as Record<string, Record<string, unknown>>;
  const ajv = new Ajv({ strict: false, allErrors: false, verbose: true, validateSchema: false, inlineRefs: false });
  (addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
  // Formats the GitHub description uses that ajv-formats does not define.
  ajv.addFormat('timestamp', true);
  // pulls/create's head_repo: "owner/name".
  ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
  // GitHub sends "" for unset URL fields (a deployment status's target_url,
  // log_url, environment_url) although the description says format uri.
  const uri = ajv.formats['uri'];
  ajv.addFormat(
    'uri',
    (value: string) =>
      value === '' || (typeof uri === 'function' ? uri(value) : uri instanceof RegExp ? uri.test(value) : true),
  );
  ajv.addSchema({ $id: SCHEMA_ROOT_ID, components }, SCHEMA_ROOT_ID);
  const loaded: LoadedSpec = { operations: collectOperations(raw, components), ajv };
  specs.set(name, loaded);
  return loaded;
}

interface RawSpec {
  paths: Record<string, Record<string, RawOperation>>;
  components: Record<string, Record<string, unknown>>;
}
interface RawOperation {
  operationId: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  externalDocs?: { url?: string };
}

function collectOperations(raw: RawSpec, components: Record<string, Record<string, unknown>>): OpenApiOperation[] {
  const operations: OpenApiOperation[] = [];
  const deref = (value: unknown): Record<string, unknown> => {
    let current = value as Record<string, unknown>;
    // Component references are at most a couple of levels deep (parameter → parameter).
    for (let depth = 0; depth < 5 && typeof current?.['$ref'] === 'string'; depth++) {
      const [, section, key] = (current['$ref'] as string).replace(/^gh#\/|^#\//, '').split('/');
      current = components[section ?? '']?.[key ?? ''] as Record<string, unknown>;
    }
    return current;
  };
  for (const [pathTemplate, item] of Object.entries(raw.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const converted = toJsonSchema(op) as Record<string, unknown>;
      const parameters = ((converted['parameters'] as unknown[] | undefined) ?? []).map(
        (p) => deref(p) as unknown as OpenApiParameter,
      );
      const body = converted['requestBody'] ? deref(converted['requestBody']) : undefined;
      const bodyContent = body?.['content'] as Record<string, { schema?: unknown }> | undefined;
      const responseSchemas = new Map<string, unknown | undefined>();
      for (const [status, response] of Object.entries((converted['responses'] as Record<string, unknown>) ?? {})) {
        const content = deref(response)?.['content'] as Record<string, { schema?: unknown }> | undefined;
        responseSchemas.set(status, content?.['application/json']?.schema);
      }
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        parameters,
        requestBodySchema: bodyContent?.['application/json']?.schema,
        requestBodyRequired: body?.['required'] === true,
        responseSchemas,
        docsUrl: op.externalDocs?.url ?? 'https://docs.github.com/rest',
      });
    }
  }
  return operations;
}

/**
 * OpenAPI 3.0 schemas are not JSON Schema: `nullable: true` has to become a
 * null type, and local references must point into the document ajv knows as
 * "gh". Returns a converted copy.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'example' || key === 'examples' || key === 'description') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      out[key] = `${SCHEMA_ROOT_ID}${value}`;
      continue;
    }
    out[key] = toJsonSchema(value);
  }
  if (out['nullable'] !== true) return out;
  delete out['nullable'];
  if (typeof out['type'] === 'string' && !('$ref' in out)) {
    out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

const validators = new WeakMap<object, ValidateFunction>();

/** Validates `value` against a converted schema, compiling it on first use. Returns error text or undefined. */
export function validateAgainst(spec: LoadedSpec, schema: unknown, value: unknown): ErrorObject[] | undefined {
  if (schema === undefined || schema === null || typeof schema !== 'object') return undefined;
  let validate = validators.get(schema);
  if (!validate) {
    validate = spec.ajv.compile(schema as object);
    validators.set(schema, validate);
  }
  return validate(value) ? undefined : (validate.errors ?? []);
}

export function describeAjvError(error: ErrorObject): string {
  const where = error.instancePath || '(root)';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties')
    return `${where}: unexpected property "${String(params['additionalProperty'])}"`;
  if (error.keyword === 'required') return `${where}: missing required property "${String(params['missingProperty'])}"`;
  return `${where}: ${error.message ?? error.keyword}`;
}
