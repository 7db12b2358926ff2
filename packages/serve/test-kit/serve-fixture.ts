// Models and a server for the serve tests: small classifiers built from code
// (no downloads), written to a temp dir, and a server on a free loopback port.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLinearClassifierOnnx, buildLinearRegressorOnnx } from '@mlship/onnx/test-kit';
import { startServe, type RunningServer, type StartServeOptions } from '../src/start-serve.ts';

export const FEATURES = ['bill_length_mm', 'flipper_length_mm'];

/** A two-class classifier on two features: class 'big' when w·x + b > 0. */
export function classifier(weights: [number, number], bias: number, featureNames = FEATURES): Uint8Array {
  return buildLinearClassifierOnnx({ featureNames, weights: [weights], bias: [bias], classes: ['small', 'big'] });
}

export interface ServeFixture {
  dir: string;
  server: RunningServer;
  /** Writes model bytes to the temp dir and returns the path. */
  file(name: string, bytes: Uint8Array): Promise<string>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any; text: string }>;
  put(path: string, body: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Prod: 'big' when bill + flipper > 250; the canary: 'big' when flipper > 200 alone. */
export const PROD_MODEL = () => classifier([1, 1], -250);
export const CANARY_MODEL = () => classifier([0, 1], -200);
export const REGRESSOR = () => buildLinearRegressorOnnx({ featureNames: FEATURES, weights: [2, 0.5], bias: 1 });

export async function serveFixture(
  models: { prod: Uint8Array; canary?: Uint8Array; name?: string },
  options: Partial<StartServeOptions> = {},
): Promise<ServeFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-serve-test-'));
  const file = async (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  };
  const name = models.name ?? 'penguins';
  const prod = await file(`${name}.onnx`, models.prod);
  const canary = models.canary ? await file(`${name}-canary.onnx`, models.canary) : undefined;
  let server: RunningServer;
  try {
    server = await startServe({
      model: prod,
      canary,
      cwd: dir,
      name,
      port: 0,
      dataDir: join(dir, 'data'),
      watchIntervalMs: 0,
      ...options,
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as any, text };
  };
  return {
    dir,
    server,
    file,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path) => call('GET', path),
    put: (path, body) => call('PUT', path, body),
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One penguin as an OIP request for the [N, 2] float input. */
export function inferBody(rows: number[][], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    inputs: [{ name: 'input', shape: [rows.length, 2], datatype: 'FP32', data: rows.flat() }],
  };
}
