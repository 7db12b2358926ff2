// The results service's message types, taken from the clients themselves:
// @actions/artifact and @actions/cache ship the protobuf-ts code generated from
// the service's .proto files (github.actions.results.api.v1). Every request is
// read with the generated type's own JSON reader, so a field the type does not
// have, or a value of the wrong type, is refused as the service refuses it;
// every answer is written by the generated type, in the proto field names and
// with default values, as the service's Twirp server writes them.
//
// The packages export only their client API, so the generated modules are
// loaded by file URL next to the package's resolved entry point.
import type { IMessageType, JsonValue, PartialMessage } from '@protobuf-ts/runtime';
import type { ServiceType } from '@protobuf-ts/runtime-rpc';

export type ResultsServiceName = 'ArtifactService' | 'CacheService';

const PROTO_PACKAGE = 'github.actions.results.api.v1';

interface GeneratedMethod {
  name: string;
  I: IMessageType<object>;
  O: IMessageType<object>;
}

export interface TwirpMethod {
  service: ResultsServiceName;
  name: string;
  request: IMessageType<object>;
  response: IMessageType<object>;
}

const artifactModule = (await import(new URL('generated/index.js', import.meta.resolve('@actions/artifact')).href)) as {
  ArtifactService: ServiceType;
};
const cacheModule = (await import(
  new URL('generated/results/api/v1/cache.js', import.meta.resolve('@actions/cache')).href
)) as { CacheService: ServiceType };

const METHODS = new Map<string, TwirpMethod>();
for (const [service, type] of [
  ['ArtifactService', artifactModule.ArtifactService],
  ['CacheService', cacheModule.CacheService],
] as const) {
  if (type.typeName !== `${PROTO_PACKAGE}.${service}`)
    throw new Error(`the generated ${service} is ${type.typeName}, not ${PROTO_PACKAGE}.${service}`);
  for (const method of type.methods as unknown as GeneratedMethod[]) {
    METHODS.set(`${type.typeName}/${method.name}`, {
      service,
      name: method.name,
      request: method.I,
      response: method.O,
    });
  }
}

/** The method a Twirp route names, as the clients' generated service describes it. */
export function twirpMethod(service: string, method: string): TwirpMethod | undefined {
  return METHODS.get(`${service}/${method}`);
}

export type ReadResult<T> = { ok: true; message: T } | { ok: false; problem: string };

/** Reads a JSON request body strictly: unknown fields and mistyped values are refused. */
export function readMessage<T extends object>(type: IMessageType<T>, json: unknown): ReadResult<T> {
  try {
    return { ok: true, message: type.fromJson(json as JsonValue, { ignoreUnknownFields: false }) };
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
}

/** Reads a binary (application/protobuf) request body. */
export function readBinaryMessage<T extends object>(type: IMessageType<T>, bytes: Uint8Array): ReadResult<T> {
  try {
    return { ok: true, message: type.fromBinary(bytes, { readUnknownField: 'throw' }) };
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
}

/** An answer as the service's Twirp server writes it: proto field names, default values included. */
export function writeMessage<T extends object>(type: IMessageType<T>, fields: PartialMessage<T>): JsonValue {
  return type.toJson(type.create(fields), { useProtoFieldName: true, emitDefaultValues: true });
}

export function writeBinaryMessage<T extends object>(type: IMessageType<T>, fields: PartialMessage<T>): Uint8Array {
  return type.toBinary(type.create(fields));
}
