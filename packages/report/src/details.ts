/**
 * A collapsible section. The blank lines around the body are required: without
 * them GitHub renders the body's markdown (tables, fences) as plain text.
 */
export function collapsible(summary: string, body: string, options: { open?: boolean } = {}): string {
  const open = options.open ? ' open' : '';
  return `<details${open}>\n<summary>${escapeHtml(summary)}</summary>\n\n${body.trimEnd()}\n\n</details>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
