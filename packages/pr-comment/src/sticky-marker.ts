// The report key and the two hidden HTML comments the sticky comment relies on:
//  - the marker that opens each report comment, naming its key;
//  - the pointer index in the PR/issue body, mapping keys to comment node ids,
//    so an update finds its comment in O(1) requests (see docs/report.md).
// Only this code writes the marker, always as the comment's first line; a
// marker anywhere else (in report data, quoted by a person) is text, not ours.
import { z } from 'zod';

/**
 * A report key, normalised once where it enters (the action input, the CLI
 * flag, the default): trimmed, whitespace collapsed, Unicode NFC, so "a  b"
 * and "a b" are one key. The brand keeps raw strings out of the functions below.
 */
export const ReportKeySchema = z
  .string()
  .transform((key) => key.normalize('NFC').trim().replace(/\s+/g, ' '))
  .pipe(z.string().min(1, 'the key is empty; give each report a name, e.g. key: model-a'))
  .brand<'ReportKey'>();

export type ReportKey = z.infer<typeof ReportKeySchema>;

/** The default key: one sticky report per workflow job. */
export function defaultReportKey(workflow: string | undefined, job: string | undefined): ReportKey {
  return ReportKeySchema.parse(`${workflow ?? 'workflow'}/${job ?? 'job'}`);
}

/**
 * Percent-encodes everything outside a small safe set. The encoded key holds
 * no `"`, `<`, `>` or newline, so it can neither end the marker's quoted value
 * nor the HTML comment, and the closing quote in the marker means one key is
 * never a prefix match of another ('model' vs 'model-2').
 */
export function escapeKey(key: ReportKey): string {
  // encodeURIComponent leaves only A-Z a-z 0-9 - _ . ! ~ * ' ( ) as they are, all
  // in the safe set, so each other code point becomes %XX bytes of its UTF-8.
  return key.replace(/[^A-Za-z0-9._~/@:+=,()!*' -]/gu, (ch) => encodeURIComponent(ch));
}

/** The hidden marker a sticky report comment opens with. */
export function stickyMarker(key: ReportKey): string {
  return `<!-- mlship:report key="${escapeKey(key)}" -->`;
}

/** The comment body for a report: the marker on the first line, then the markdown. */
export function stickyBody(key: ReportKey, markdown: string): string {
  return `${stickyMarker(key)}\n${markdown}`;
}

/**
 * Whether a comment body is a report of this key: the marker at the one place
 * stickyBody puts it, the start. Authorship is checked separately (only the
 * token's own comments count).
 */
export function isStickyBody(body: string, key: ReportKey): boolean {
  return body.startsWith(`${stickyMarker(key)}\n`);
}

const POINTER_PATTERN = /<!-- mlship:comments (\{[^\n]*?\}) -->/;
const PointerIndexSchema = z.record(z.string(), z.string());

/** Key (escaped) -> comment node id, read from a PR/issue body; {} when absent or mangled. */
export function readCommentPointers(body: string | null | undefined): Record<string, string> {
  // Stryker disable next-line StringLiteral: any text without the pointer reads as none
  const match = POINTER_PATTERN.exec(body ?? '');
  // Stryker disable next-line ConditionalExpression: without this line match[1] throws inside the try below, also {}
  if (!match) return {};
  try {
    const parsed = PointerIndexSchema.safeParse(JSON.parse(match[1]!));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function commentPointer(body: string | null | undefined, key: ReportKey): string | undefined {
  return readCommentPointers(body)[escapeKey(key)];
}

/**
 * The body with `key` pointing at `nodeId`. Only the pointer comment changes
 * (replaced in place, or appended once), so the rest of a human-written body
 * is kept byte for byte.
 */
export function withCommentPointer(body: string | null | undefined, key: ReportKey, nodeId: string): string {
  const text = body ?? '';
  const pointers = { ...readCommentPointers(text), [escapeKey(key)]: nodeId };
  const comment = `<!-- mlship:comments ${JSON.stringify(pointers)} -->`;
  if (POINTER_PATTERN.test(text)) return text.replace(POINTER_PATTERN, () => comment);
  return text === '' ? comment : `${text.replace(/\s+$/, '')}\n\n${comment}`;
}
