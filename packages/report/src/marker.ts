import { z } from 'zod';
import { InputError } from '@mlship/errors';

// Two hidden HTML comments, invisible on github.com:
//  - the sticky marker inside each report comment, naming its key;
//  - the pointer index in the PR/issue body, mapping keys to comment node ids,
//    so an update finds its comment in O(1) requests (see docs/report.md).

/** Trims, collapses whitespace and applies Unicode NFC, so "a  b" and "a b" are one key. */
export function normaliseKey(key: string): string {
  const normal = key.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (normal === '') throw new InputError("input 'key' is empty; give each report a name, e.g. key: model-a");
  return normal;
}

/**
 * Percent-encodes everything outside a small safe set. The encoded key holds
 * no `"`, `<`, `>` or newline, so it can neither end the marker's quoted value
 * nor the HTML comment, and the closing quote in the marker means one key is
 * never a prefix match of another ('model' vs 'model-2').
 */
export function escapeKey(key: string): string {
  return Array.from(normaliseKey(key))
    .map((ch) =>
      /^[A-Za-z0-9._~/@:+=,()!*' -]$/.test(ch)
        ? ch
        : encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('');
}

/** The hidden marker a sticky report comment carries. */
export function stickyMarker(key: string): string {
  return `<!-- mlship:report key="${escapeKey(key)}" -->`;
}

export function hasStickyMarker(body: string, key: string): boolean {
  return body.includes(stickyMarker(key));
}

/** The default key: one sticky report per workflow job. */
export function defaultReportKey(workflow: string | undefined, job: string | undefined): string {
  return normaliseKey(`${workflow ?? 'workflow'}/${job ?? 'job'}`);
}

const POINTER_PATTERN = /<!-- mlship:comments (\{[^\n]*?\}) -->/;
const PointerIndexSchema = z.record(z.string(), z.string());

/** Key (escaped) -> comment node id, read from a PR/issue body; {} when absent or mangled. */
export function readCommentPointers(body: string | null | undefined): Record<string, string> {
  const match = POINTER_PATTERN.exec(body ?? '');
  if (!match) return {};
  try {
    const parsed = PointerIndexSchema.safeParse(JSON.parse(match[1]!));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function commentPointer(body: string | null | undefined, key: string): string | undefined {
  return readCommentPointers(body)[escapeKey(key)];
}

/**
 * The body with `key` pointing at `nodeId`. Only the pointer comment changes
 * (replaced in place, or appended once), so the rest of a human-written body
 * is kept byte for byte.
 */
export function withCommentPointer(body: string | null | undefined, key: string, nodeId: string): string {
  const text = body ?? '';
  const pointers = { ...readCommentPointers(text), [escapeKey(key)]: nodeId };
  const comment = `<!-- mlship:comments ${JSON.stringify(pointers)} -->`;
  if (POINTER_PATTERN.test(text)) return text.replace(POINTER_PATTERN, () => comment);
  return text === '' ? comment : `${text.replace(/\s+$/, '')}\n\n${comment}`;
}
