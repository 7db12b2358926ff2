// GTO's tag grammar (iterative/gto, gto/constants.py), so GTO and tools that
// read GTO tags see the same registry: `name@v1.2.3` registers,
// `name@v1.2.3!#N` deregisters, `name#stage#N` assigns, `name#stage!#N`
// unassigns, `name@deprecated#N` deprecates the model. N is one counter per
// model across all its events.
import { InputError } from '@mlship/errors';
import { MAX_REF_BYTES, refFormatProblem } from './git-ref.ts';
import { quoteInput } from './quote-input.ts';

// GTO's artifact name (capitals and '_' since GTO 1.4), optionally after a
// monorepo folder and ':' (GTO's "full name"); in tags ':' is written '='
// because git refs cannot contain ':'.
const NAME_SOURCE = '[a-zA-Z0-9](?:[a-zA-Z0-9\\-/_]*[a-zA-Z0-9])?';
const DIRNAME_SOURCE = '[a-zA-Z0-9\\-_./]+';
const FULLNAME_SOURCE = `(?:${DIRNAME_SOURCE}:)?${NAME_SOURCE}`;
const FULLNAME_IN_TAG_SOURCE = `(?:${DIRNAME_SOURCE}=)?${NAME_SOURCE}`;
// Stages become path segments of mlship's own refs, so no '/' (stricter than GTO).
const STAGE_SOURCE = '[a-z0-9](?:[a-z0-9\\-_]*[a-z0-9])?';
const IDENT = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const SEMVER_SOURCE = `v(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)(?:-${IDENT}(?:\\.${IDENT})*)?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?`;

const NAME_RE = new RegExp(`^${FULLNAME_SOURCE}$`);
const STAGE_RE = new RegExp(`^${STAGE_SOURCE}$`);
const VERSION_RE = new RegExp(`^${SEMVER_SOURCE}$`);
const TAG_RE = new RegExp(
  `^(?<name>${FULLNAME_IN_TAG_SOURCE})(?:(?:#(?<stage>${STAGE_SOURCE})|@(?<version>${SEMVER_SOURCE}))(?<cancel>!?)|@(?<deprecated>deprecated))(?:#(?<counter>[0-9]+))?$`,
);

// The longest tag mlship writes for a model is NAME#STAGE!#N: with `refs/tags/`,
// a 200-byte name, a 32-byte stage and a 10-digit counter it is 255 bytes.
export const MAX_MODEL_NAME_BYTES = 200;
export const MAX_STAGE_BYTES = 32;
const MAX_COUNTER = '9'.repeat(10);

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate';

export interface GtoTag {
  action: TagAction;
  name: string;
  version?: string;
  stage?: string;
  counter?: number;
}

export const isModelName = (value: string): boolean => modelNameProblem(value) === null;
export const isStageName = (value: string): boolean => stageNameProblem(value) === null;
export const isStrictVersion = (value: string): boolean => VERSION_RE.test(value);

/** The name as GTO writes it in tags: a monorepo folder's ':' becomes '='. */
const nameInTag = (name: string): string => name.replace(':', '=');

/**
 * A model name as one ref path segment. Git refs are paths, so with `/` kept
 * `refs/mlship/head/churn` and `refs/mlship/head/churn/eu` could not both exist
 * (GitHub answers 422), and a directory per model would nest; names never
 * contain `+` or `=`.
 */
export function modelSegment(name: string): string {
  return nameInTag(name).replaceAll('/', '+');
}

export function modelOfSegment(segment: string): string {
  return segment.replaceAll('+', '/').replace('=', ':');
}

/** Why `name` cannot be a model name (GTO's grammar, git's ref rules, GitHub's ref length), or null. */
export function modelNameProblem(name: string): string | null {
  const q = quoteInput(name);
  if (!NAME_RE.test(name)) {
    return `${q} is not a valid model name: use letters, digits, '-', '_' and '/', starting and ending with a letter or digit (GTO's artifact names; a monorepo folder may come first, as in models/nlp:churn)`;
  }
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_MODEL_NAME_BYTES) {
    return `${q} is not a valid model name: it is ${bytes} bytes long, at most ${MAX_MODEL_NAME_BYTES} (its git tags must fit GitHub's ${MAX_REF_BYTES}-byte ref limit)`;
  }
  const refProblem =
    refFormatProblem(`refs/tags/${nameInTag(name)}@v0.0.0`) ??
    refFormatProblem(`refs/mlship/head/${modelSegment(name)}`);
  return refProblem ? `${q} is not a valid model name: ${refProblem}` : null;
}

export function stageNameProblem(stage: string): string | null {
  const q = quoteInput(stage);
  if (!STAGE_RE.test(stage))
    return `${q} is not a valid stage: use lowercase letters, digits, '-' and '_' (e.g. staging, prod)`;
  if (stage.length > MAX_STAGE_BYTES)
    return `${q} is not a valid stage: it is ${stage.length} characters long, at most ${MAX_STAGE_BYTES}`;
  return null;
}

/** A GTO tag's parts, or null for tags that are not registry events. */
export function parseGtoTag(tag: string): GtoTag | null {
  const m = TAG_RE.exec(tag);
  if (!m?.groups) return null;
  const g = m.groups;
  const name = g.name!.replace('=', ':');
  const counter = g.counter === undefined ? {} : { counter: Number(g.counter) };
  if (g.deprecated) return { action: 'deprecate', name, ...counter };
  if (g.version) return { action: g.cancel ? 'deregister' : 'register', name, version: g.version, ...counter };
  return { action: g.cancel ? 'unassign' : 'assign', name, stage: g.stage!, ...counter };
}

export function formatGtoTag(tag: GtoTag): string {
  const counter = tag.counter === undefined ? '' : `#${tag.counter}`;
  const name = nameInTag(tag.name);
  switch (tag.action) {
    case 'register':
      return `${name}@${tag.version}${counter}`;
    case 'deregister':
      return `${name}@${tag.version}!${counter}`;
    case 'assign':
      return `${name}#${tag.stage}${counter}`;
    case 'unassign':
      return `${name}#${tag.stage}!${counter}`;
    case 'deprecate':
      return `${name}@deprecated${counter}`;
  }
}

/** The tag of a version, `NAME@vX.Y.Z`, which is also its release's tag. */
export function versionTag(name: string, version: string): string {
  return formatGtoTag({ action: 'register', name, version });
}

export function assertModelName(name: string, input = 'name'): string {
  const problem = modelNameProblem(name);
  if (problem) throw new InputError(`${input} ${problem}`);
  return name;
}

export function assertStageName(stage: string, input = 'stage'): string {
  const problem = stageNameProblem(stage);
  if (problem) throw new InputError(`${input} ${problem}`);
  return stage;
}

/** The version's own tags (and its deregistration's) fit in a git ref; checked before a publish writes anything. */
export function assertVersionTagFits(name: string, version: string, input = 'version'): void {
  const problem = refFormatProblem(`refs/tags/${formatGtoTag({ action: 'deregister', name, version })}#${MAX_COUNTER}`);
  if (problem) throw new InputError(`${input} ${quoteInput(version)} is too long for ${quoteInput(name)}: ${problem}`);
}

export function versionProblem(version: string): string | null {
  const withV = version.startsWith('v') ? version : `v${version}`;
  return isStrictVersion(withV)
    ? null
    : `${quoteInput(version)} is not strict SemVer: write it as vMAJOR.MINOR.PATCH, e.g. v1.2.3`;
}

/** Accepts `1.2.3` or `v1.2.3` and returns the canonical `v1.2.3`. */
export function normalizeVersion(version: string, input = 'version'): string {
  const problem = versionProblem(version);
  if (problem) throw new InputError(`${input} ${problem}`);
  return version.startsWith('v') ? version : `v${version}`;
}
