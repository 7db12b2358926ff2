// What git can store as a ref, so a name is refused in one line before
// anything is written instead of failing half-way with GitHub's 422.
import { quoteInput } from './quote-input.ts';

/**
 * GitHub refuses ref names past about 250 bytes (measured on branch names) and
 * loose refs are files whose names cannot pass 255 bytes; every ref mlship
 * writes stays within this many bytes, `refs/` included.
 */
export const MAX_REF_BYTES = 255;

// git's refs.c: control characters, DEL, space and ~ ^ : ? * [ \ are never allowed.
const FORBIDDEN_CHAR = /[\u0000-\u001f\u007f ~^:?*[\\]/;

/** Why git (`git check-ref-format`) or GitHub would refuse this full ref name, or null. */
export function refFormatProblem(ref: string): string | null {
  const bytes = Buffer.byteLength(ref);
  if (bytes > MAX_REF_BYTES)
    return `the git ref ${quoteInput(ref, 40)} would be ${bytes} bytes long (GitHub keeps at most ${MAX_REF_BYTES})`;
  const bad = FORBIDDEN_CHAR.exec(ref);
  if (bad) return `git refs cannot contain ${describeChar(bad[0])}`;
  if (ref === '@' || ref.includes('@{')) return "git refs cannot contain '@{'";
  if (ref.includes('..')) return "git refs cannot contain '..'";
  if (ref.endsWith('.')) return "git refs cannot end with '.'";
  for (const component of ref.split('/')) {
    if (component === '') return "git refs cannot have an empty path segment ('//', or a leading or trailing '/')";
    if (component.startsWith('.')) return `git refs cannot have a path segment starting with '.' ('${component}')`;
    if (component.endsWith('.lock')) return `git refs cannot have a path segment ending in '.lock' ('${component}')`;
  }
  return null;
}

function describeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control characters (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return char === ' ' ? 'spaces' : `'${char}'`;
}
