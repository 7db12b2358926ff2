// Where a registry lives, as the `registry` input and the `--registry` flag
// spell it: parsed in one place, so every entry accepts the same forms and the
// same default.
import { InputError } from '@mlship/errors';

export type RegistryLocation = { kind: 'local'; dir: string } | { kind: 'github'; owner: string; repo: string };

/** The local registry every CLI command uses when none is given (and the demo writes). */
export const DEFAULT_LOCAL_REGISTRY = 'local:.mlship/registry';

const FORMS = 'local:DIR, a directory path, or github:OWNER/REPO';

/**
 * `local:DIR`, `github:OWNER/REPO`, or a bare directory path. Any other
 * `scheme:` is refused rather than taken as a directory named `ftp:x`; a
 * Windows drive (`C:\models`) is a path.
 */
export function parseRegistryLocation(text: string, source = 'registry'): RegistryLocation {
  const value = text.trim();
  if (value === '') throw new InputError(`${source} is empty; use ${FORMS}`);
  if (value.startsWith('local:')) {
    const dir = value.slice('local:'.length);
    if (dir === '') throw new InputError(`${source} '${text}' names no directory; use ${FORMS}`);
    return { kind: 'local', dir };
  }
  if (value.startsWith('github:')) {
    const match = /^github:([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value);
    if (!match) throw new InputError(`${source} '${text}' is not github:OWNER/REPO; use ${FORMS}`);
    return { kind: 'github', owner: match[1]!, repo: match[2]! };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && !/^[A-Za-z]:[\\/]/.test(value))
    throw new InputError(`${source} '${text}' is not a registry location; use ${FORMS}`);
  return { kind: 'local', dir: value };
}

export function formatRegistryLocation(location: RegistryLocation): string {
  return location.kind === 'local' ? `local:${location.dir}` : `github:${location.owner}/${location.repo}`;
}
