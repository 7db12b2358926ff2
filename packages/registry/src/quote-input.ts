// Text from input inside a one-line message.

/**
 * Text from input quoted for a one-line message: control characters escaped
 * (a newline must not start a second line, or a workflow command), long text cut.
 */
export function quoteInput(text: string, maxChars = 80): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  const escaped = cut.replace(
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `'${escaped}'`;
}
