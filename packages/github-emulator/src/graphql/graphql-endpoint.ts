// POST /api/graphql: executes queries against the slice of GitHub's schema in
// schema.graphql.ts, and words errors the way GitHub does.
import { buildSchema, graphql, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { EmulatorCore } from '../emulator-core.ts';
import type { TokenRecord } from '../state.ts';
import { GRAPHQL_SDL } from './schema.graphql.ts';
import { rootResolvers } from './resolvers.ts';

let schema: GraphQLSchema | undefined;

export async function handleGraphql(core: EmulatorCore, token: TokenRecord, body: unknown): Promise<Record<string, unknown>> {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== 'string') {
    return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  }
  schema ??= buildSchema(GRAPHQL_SDL);
  const result = await graphql({
    schema,
    source: request.query,
    rootValue: rootResolvers(core, token),
    variableValues: (request.variables ?? {}) as Record<string, unknown>,
    operationName: typeof request.operationName === 'string' ? request.operationName : undefined,
  });
  const json: Record<string, unknown> = {};
  if (result.data !== undefined) json['data'] = result.data;
  if (result.errors?.length) json['errors'] = result.errors.map(toGitHubError);
  return json;
}

/** GitHub words schema errors its own way; callers match on these texts, codes and types. */
function toGitHubError(error: GraphQLError): Record<string, unknown> {
  const base = { locations: error.locations, ...(error.path ? { path: error.path } : {}) };
  const undefinedField = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  if (undefinedField) {
    return {
      ...base,
      message: `Field '${undefinedField[1]}' doesn't exist on type '${undefinedField[2]}'`,
      extensions: { code: 'undefinedField', typeName: undefinedField[2], fieldName: undefinedField[1] },
    };
  }
  const type = error.extensions?.['type'];
  return { ...base, message: error.message, ...(typeof type === 'string' ? { type } : {}) };
}
