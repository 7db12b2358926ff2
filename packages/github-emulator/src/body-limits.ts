// Size limits GitHub enforces beyond the OpenAPI description. Ruby counts
// characters (code points), not UTF-16 units or bytes, so the emulator does too.
import { validationFailed, type RequestContext } from './handler.ts';

export const COMMENT_BODY_MAX_CHARS = 65_536;
export const RELEASE_BODY_MAX_CHARS = 125_000;
export const CHECK_OUTPUT_MAX_CHARS = 65_535;

/** 422 like GitHub's when `text` is longer than `maxChars`. */
export function assertMaxChars(
  ctx: RequestContext,
  resource: string,
  field: string,
  text: unknown,
  maxChars: number,
): void {
  if (typeof text !== 'string' || text.length <= maxChars) return;
  const chars = [...text].length;
  if (chars <= maxChars) return;
  throw validationFailed(ctx, [
    { resource, code: 'unprocessable', field, message: `Body is too long (maximum is ${maxChars} characters)` },
  ]);
}
