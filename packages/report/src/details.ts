import { escapeHtmlText } from './escape.ts';

/**
 * A collapsible section. `summary` is plain text; `body` is markdown. The blank
 * lines around the body are required: without them GitHub renders the body's
 * markdown (tables, fences) as plain text.
 */
export function collapsible(summary: string, body: string, options: { open?: boolean } = {}): string {
  const open = options.open ? ' open' : '';
  return `<details${open}>\n<summary>${escapeHtmlText(summary)}</summary>\n\n${body.trimEnd()}\n\n</details>`;
}
