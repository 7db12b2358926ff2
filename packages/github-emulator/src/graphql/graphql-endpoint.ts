// POST /api/graphql: executes queries against the slice of GitHub's schema in
// schema.graphql.ts, and words errors the way GitHub does.
import { GraphQLError, buildSchema, execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { EmulatorCore } from '../emulator-core.ts';
import type { TokenRecord } from '../state.ts';
import { GRAPHQL_SDL } from './schema.graphql.ts';
import { rootResolvers } from './resolvers.ts';

let schema: GraphQLSchema | undefined;

export interface GraphqlOutcome {
  body: Record<string, unknown>;
  /** why the query itself was refused (syntax, unknown fields or types): GitHub would refuse it too, or the emulator lacks the field */
  queryErrors: string[];
}

export async function handleGraphql(core: EmulatorCore, token: TokenRecord, body: unknown): Promise<GraphqlOutcome> {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== 'string') {
    const message = 'A query attribute must be specified and must be a string.';
    return { body: { errors: [{ message }] }, queryErrors: [message] };
  }
  schema ??= buildSchema(GRAPHQL_SDL);
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const parseError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    return { body: { errors: [toGitHubError(parseError)] }, queryErrors: [parseError.message] };
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    const errors = invalid.map(toGitHubError);
    return { body: { errors }, queryErrors: errors.map((e) => String(e['message'])) };
  }
  const result = await execute({
    schema,
    document,
    rootValue: rootResolvers(core, token),
    variableValues: (request.variables ?? {}) as Record<string, unknown>,
    operationName: typeof request.operationName === 'string' ? request.operationName : undefined,
  });
  const json: Record<string, unknown> = {};
  if ('data' in result && result.data !== undefined) json['data'] = result.data;
  if (result.errors?.length) json['errors'] = result.errors.map(toGitHubError);
  return { body: json, queryErrors: [] };
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
