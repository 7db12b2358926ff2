// The Open Inference Protocol's REST bodies (KServe v2, Triton), as zod
// schemas: what a client sends is parsed here once, and every problem becomes
// one line in the protocol's error body, `{"error": "..."}`.
// Spec: kserve/open-inference-protocol, specification/protocol/inference_rest.md.
import { z } from 'zod';

/** The protocol's tensor element types, and the ONNX Runtime types they carry. */
export const OIP_DATATYPES = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
} as const;
export type OipDatatype = keyof typeof OIP_DATATYPES;

const DATATYPE_NAMES = Object.keys(OIP_DATATYPES) as [OipDatatype, ...OipDatatype[]];

/** The protocol datatype of an ONNX element type, or undefined when it has none (sequences, maps). */
export function oipDatatypeOf(elementType: string): OipDatatype | undefined {
  return DATATYPE_NAMES.find((d) => OIP_DATATYPES[d] === elementType);
}

/** Parameters are key/value pairs; values are strings, numbers or booleans. */
const ParametersSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const DimensionSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const RequestInputSchema = z.object({
  name: z.string().min(1),
  shape: z.array(DimensionSchema).max(32),
  datatype: z.enum(DATATYPE_NAMES, { error: `must be one of ${DATATYPE_NAMES.join(', ')}` }),
  parameters: ParametersSchema.optional(),
  // Row-major, flat or nested; elements are checked against the model's type when decoded.
  data: z.array(z.unknown()),
});
export type RequestInput = z.infer<typeof RequestInputSchema>;

export const InferRequestSchema = z.object({
  id: z.string().max(256).optional(),
  parameters: ParametersSchema.optional(),
  inputs: z.array(RequestInputSchema).min(1),
  outputs: z.array(z.object({ name: z.string().min(1), parameters: ParametersSchema.optional() })).optional(),
});
export type InferRequest = z.infer<typeof InferRequestSchema>;

export interface ResponseOutput {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  data: (number | string | boolean)[];
}

export interface InferResponse {
  model_name: string;
  model_version?: string;
  id: string;
  parameters?: Record<string, string | number | boolean>;
  outputs: ResponseOutput[];
}

export interface MetadataTensor {
  name: string;
  datatype: OipDatatype;
  /** Variable-size dimensions are -1. */
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: MetadataTensor[];
  outputs: MetadataTensor[];
}

/** A request the protocol refuses: the HTTP status and the one line for `{"error": ...}`. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Parses a body with a schema; the first issue becomes a 400 naming the field, as `inputs[0].shape`. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
  throw new ProtocolError(400, `${what}: ${path ? `${path}: ` : ''}${issue.message}`);
}
