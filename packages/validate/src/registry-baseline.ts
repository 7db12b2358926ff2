// A baseline named by registry reference (penguins@prod, penguins@v1.2.0):
// resolved through the model registry and downloaded with its sha256 checked,
// so "what serves users today" is the registry's answer, not a file path.
import { fetchRegistryAsset, type OpenRegistryOptions } from '@mlship/registry';

/** `location`: `local:<dir>` or `github:<owner>/<repo>`; a bare path means `local:<path>`. */
export type RegistryBaselineOptions = Omit<OpenRegistryOptions, 'readSignature' | 'localCommit' | 'policy'>;

export function registryBaseline(
  options: RegistryBaselineOptions,
): (reference: string) => Promise<{ path: string; version: string }> {
  return async (reference) => {
    const { path, tag } = await fetchRegistryAsset(options, reference, 'model');
    return { path, version: tag };
  };
}
