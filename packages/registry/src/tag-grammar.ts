// GTO's tag grammar (iterative/gto), so GTO and tools that read GTO tags see
// the same registry: `name@v1.2.3` registers, `name@v1.2.3!#N` deregisters,
// `name#stage#N` assigns, `name#stage!#N` unassigns, `name@deprecated#N`
// deprecates the model. N is one counter per model across all its events.
import { InputError } from '@mlship/errors';

const NAME_SOURCE = '[a-zA-Z0-9](?:[a-zA-Z0-9\\-/_]*[a-zA-Z0-9])?';
// Stages become path segments of mlship's own refs, so no '/' (stricter than GTO).
const STAGE_SOURCE = '[a-z0-9](?:[a-z0-9\\-_]*[a-z0-9])?';
const IDENT = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const SEMVER_SOURCE = `v(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)(?:-${IDENT}(?:\\.${IDENT})*)?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?`;

const NAME_RE = new RegExp(`^${NAME_SOURCE}$`);
const STAGE_RE = new RegExp(`^${STAGE_SOURCE}$`);
const VERSION_RE = new RegExp(`^${SEMVER_SOURCE}$`);
const TAG_RE = new RegExp(
  `^(?<name>${NAME_SOURCE})(?:(?:#(?<stage>${STAGE_SOURCE})|@(?<version>${SEMVER_SOURCE}))(?<cancel>!?)|@(?<deprecated>deprecated))(?:#(?<counter>[0-9]+))?$`,
);

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate';

export interface GtoTag {
  action: TagAction;
  name: string;
  version?: string;
  stage?: string;
  counter?: number;
}

export const isModelName = (value: string): boolean => NAME_RE.test(value);
export const isStageName = (value: string): boolean => STAGE_RE.test(value);
export const isStrictVersion = (value: string): boolean => VERSION_RE.test(value);

/** A GTO tag's parts, or null for tags that are not registry events. */
export function parseGtoTag(tag: string): GtoTag | null {
  const m = TAG_RE.exec(tag);
  if (!m?.groups) return null;
  const g = m.groups;
  const counter = g.counter === undefined ? {} : { counter: Number(g.counter) };
  if (g.deprecated) return { action: 'deprecate', name: g.name!, ...counter };
  if (g.version) return { action: g.cancel ? 'deregister' : 'register', name: g.name!, version: g.version, ...counter };
  return { action: g.cancel ? 'unassign' : 'assign', name: g.name!, stage: g.stage!, ...counter };
}

export function formatGtoTag(tag: GtoTag): string {
  const counter = tag.counter === undefined ? '' : `#${tag.counter}`;
  switch (tag.action) {
    case 'register':
      return `${tag.name}@${tag.version}${counter}`;
    case 'deregister':
      return `${tag.name}@${tag.version}!${counter}`;
    case 'assign':
      return `${tag.name}#${tag.stage}${counter}`;
    case 'unassign':
      return `${tag.name}#${tag.stage}!${counter}`;
    case 'deprecate':
      return `${tag.name}@deprecated${counter}`;
  }
}

export function assertModelName(name: string, input = 'name'): string {
  if (!isModelName(name)) {
    throw new InputError(
      `${input} '${name}' is not a valid model name: use letters, digits, '-', '_' and '/', starting and ending with a letter or digit`,
    );
  }
  return name;
}

export function assertStageName(stage: string, input = 'stage'): string {
  if (!isStageName(stage)) {
    throw new InputError(
      `${input} '${stage}' is not a valid stage: use lowercase letters, digits, '-' and '_' (e.g. staging, prod)`,
    );
  }
  return stage;
}

/** Accepts `1.2.3` or `v1.2.3` and returns the canonical `v1.2.3`. */
export function normalizeVersion(version: string, input = 'version'): string {
  const withV = version.startsWith('v') ? version : `v${version}`;
  if (!isStrictVersion(withV)) {
    throw new InputError(`${input} '${version}' is not strict SemVer: write it as vMAJOR.MINOR.PATCH, e.g. v1.2.3`);
  }
  return withV;
}

/** What `NAME@...` points at: a stage, an exact version, or the highest version. */
export type ModelReference =
  | { name: string; kind: 'stage'; stage: string }
  | { name: string; kind: 'version'; version: string }
  | { name: string; kind: 'latest' };

/** Parses `NAME@prod`, `NAME@v1.2.3`, `NAME@latest` (GTO's `NAME#prod` also works). */
export function parseModelReference(reference: string, input = 'reference'): ModelReference {
  const hash = reference.lastIndexOf('#');
  const at = reference.lastIndexOf('@');
  const split = Math.max(hash, at);
  if (split <= 0) {
    throw new InputError(`${input} '${reference}' must be NAME@STAGE, NAME@vX.Y.Z or NAME@latest, e.g. churn@prod`);
  }
  const name = assertModelName(reference.slice(0, split), input);
  const target = reference.slice(split + 1);
  if (target === 'latest' || target === 'greatest') return { name, kind: 'latest' };
  if (/^v?\d/.test(target)) return { name, kind: 'version', version: normalizeVersion(target, input) };
  return { name, kind: 'stage', stage: assertStageName(target, input) };
}

export function formatModelReference(ref: ModelReference): string {
  if (ref.kind === 'stage') return `${ref.name}@${ref.stage}`;
  if (ref.kind === 'version') return `${ref.name}@${ref.version}`;
  return `${ref.name}@latest`;
}
