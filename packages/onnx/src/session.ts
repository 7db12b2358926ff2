// The ONNX Runtime adapter: the only module that loads the native addon, so
// everything else in mlship (signatures, builders, statistics) runs without it.
import { readFile, stat } from 'node:fs/promises';
import './no-telemetry.ts';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { FileFormatError, InputError } from '@mlship/errors';
import { readOnnxClassLabels, readOnnxMetadata, readOnnxSignature } from './signature.ts';
import type { ModelSignature } from './signature.ts';

export type FeedData = Float32Array | Float64Array | BigInt64Array | Int32Array | string[];

export interface FeedTensor {
  data: FeedData;
  dims: number[];
}

export interface OutputTensor {
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];
  dims: readonly number[];
}

export interface LoadedModel {
  /** The path it was loaded from, or the name given for bytes. */
  file: string;
  sizeBytes: number;
  signature: ModelSignature;
  /** The model's metadata_props (feature names recorded by exporters, etc.). */
  metadata: Record<string, string>;
  /** Class labels in probability-column order, when the graph records them. */
  classLabels: string[] | undefined;
  /** The model file's bytes (for hashing and size budgets). */
  bytes: Uint8Array;
  /** Runs one batch; feeds are keyed by input name. */
  run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
}

const TENSOR_TYPE = (data: FeedData) =>
  data instanceof Float32Array
    ? 'float32'
    : data instanceof Float64Array
      ? 'float64'
      : data instanceof BigInt64Array
        ? 'int64'
        : data instanceof Int32Array
          ? 'int32'
          : 'string';

export interface SessionOptions {
  /**
   * Threads one run may use (ONNX Runtime's default: one per core). A server
   * runs many requests at once, so one thread per run avoids the thread pools
   * of several sessions spinning against each other.
   */
  intraOpThreads?: number;
}

/** Loads an ONNX model from a path or bytes; corrupt or unsupported models fail naming the file. */
export async function loadModel(
  source: string | Uint8Array,
  name?: string,
  options: SessionOptions = {},
): Promise<LoadedModel> {
  const file = typeof source === 'string' ? source : (name ?? '<model bytes>');
  const bytes = typeof source === 'string' ? await readModelFile(source) : source;
  const signature = readOnnxSignature(bytes, file);
  const metadata = readOnnxMetadata(bytes);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads, interOpNumThreads: 1 } : {}),
    });
  } catch (error) {
    const why = String((error as Error).message ?? error).split('\n')[0];
    throw new FileFormatError(
      `${file}: ONNX Runtime cannot load this model (${why}); export it with a supported opset`,
      {
        location: { file },
        cause: error,
      },
    );
  }
  return {
    file,
    sizeBytes: bytes.byteLength,
    signature,
    metadata,
    classLabels: readOnnxClassLabels(bytes),
    bytes,
    async run(feeds) {
      const tensors: Record<string, Tensor> = {};
      for (const [key, feed] of Object.entries(feeds)) {
        tensors[key] = new Tensor(TENSOR_TYPE(feed.data), feed.data, feed.dims);
      }
      let results: InferenceSession.ReturnType;
      try {
        results = await session.run(tensors);
      } catch (error) {
        const why = String((error as Error).message ?? error).split('\n')[0];
        throw new InputError(
          `${file}: the model rejected its inputs (${why}); check the column mapping and shapes in the policy`,
          {
            cause: error,
          },
        );
      }
      const out: Record<string, OutputTensor> = {};
      for (const [key, value] of Object.entries(results)) {
        out[key] = { data: value.data as OutputTensor['data'], dims: value.dims };
      }
      return out;
    },
    release: () => session.release(),
  };
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new InputError(`${path}: cannot read the model file (${(error as Error).message}); check the path`, {
      location: { file: path },
      cause: error,
    });
  }
}
