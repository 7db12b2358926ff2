// A baseline named by registry reference (penguins@prod, penguins@v1.2.0):
// resolved through the model registry and downloaded with its sha256 checked,
// so "what serves users today" is the registry's answer, not a file path.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import { readOnnxSignature } from '@mlship/onnx';
import { openRegistry } from '@mlship/registry';

export interface RegistryBaselineOptions {
  /** `local:<dir>` or `github:<owner>/<repo>`; a bare path means `local:<path>`. */
  location: string;
  cwd: string;
  env: Record<string, string | undefined>;
  token?: string | undefined;
  actor: string;
}

export function registryBaseline(options: RegistryBaselineOptions): (reference: string) => Promise<{ path: string; version: string }> {
  return async (reference) => {
    const location = /^(local|github):/.test(options.location) ? options.location : `local:${options.location}`;
    const registry = await openRegistry({ ...options, location, readSignature: readOnnxSignature });
    const { resolved, files } = await registry.download(reference, await mkdtemp(join(tmpdir(), 'mlship-baseline-')));
    const model = files.find((f) => f.endsWith('.onnx'));
    if (!model) throw new InputError(`${resolved.tag} has no .onnx asset; publish the model file with it`);
    return { path: model, version: resolved.tag };
  };
}
