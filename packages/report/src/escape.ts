// One escaper per place a string can land in a report. Every string that comes
// from data, models, files or config (category and slice values, column, file,
// metric and model names, model-card text, error samples) goes through one of
// these before it reaches a comment, job summary or check run.
//
// Our own code, not a library: markdown sanitisers (DOMPurify, rehype-sanitize)
// clean HTML after rendering, but GitHub renders our markdown itself, so the
// markdown text has to be safe; and what GitHub does after rendering (@mentions,
// bare-URL links) is GitHub's own, which no markdown library knows.

/** Invisible, so a value reads the same; enough to stop GitHub's post-render filters. */
const ZERO_WIDTH_SPACE = '\u200B';

/**
 * C0/C1 controls, and the bidirectional overrides that can make a reviewer
 * read text in an order other than the one it has ("Trojan Source").
 */
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

function visible(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, '\uFFFD');
}

/**
 * Breaks what GitHub links after rendering, where no markdown escape reaches:
 * its mention filter pings `@user` and `@org/team` only when a letter or digit
 * follows the `@` (a zero-width space there also stops e-mail autolinks), and
 * its autolinker needs the scheme right before `://` and `www.` in one piece.
 */
function defuse(text: string): string {
  return text
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/:\/\//g, `${ZERO_WIDTH_SPACE}://`)
    .replace(/(^|[^\p{L}\p{N}])(www)\./giu, `$1$2${ZERO_WIDTH_SPACE}.`);
}

function oneLine(text: string): string {
  return text.replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ');
}

// Backslash-escaped wherever they appear: each can open a link or image (`[ ] !`),
// HTML or an HTML comment (`<`), an entity (`&`), emphasis (`* _ ~`), a code
// span, math (`$`), a table cell (`|`), or a heading or quote (`# >`).
const INLINE_SPECIALS = /[\\`*_[\]<>!&|~#$]/g;

/**
 * Plain text inside a line of markdown (a paragraph, list item, heading or
 * table cell): shown exactly as given, on one line, with no markdown, HTML,
 * link, image or mention in it.
 */
export function escapeText(text: string): string {
  // Markdown drops a line's outer whitespace anyway; leading spaces would make
  // indented code in a list item.
  const escaped = defuse(oneLine(visible(text)).trim()).replace(INLINE_SPECIALS, '\\$&');
  // At the start of a line (or list item) these would open a list, or turn the
  // line above into a heading.
  return escaped.replace(/^([-+=])(?=[-+=\s]|$)/, '\\$1').replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** A heading's text: one line of plain text (an `#` in it cannot close or nest the heading). */
export function escapeHeading(text: string): string {
  return escapeText(text).trim();
}

/**
 * Several lines of plain text (model-card prose): paragraphs and line breaks
 * are kept, everything else is shown as written.
 */
export function escapeProse(text: string): string {
  return text
    .trim()
    .split(/(?:\r\n|\r|\n)\s*(?:\r\n|\r|\n)\s*/)
    .map((paragraph) =>
      paragraph
        .split(/\r\n|\r|\n/)
        .map((line) => escapeText(line.trim()))
        .join('\n'),
    )
    .join('\n\n');
}

export interface CodeSpanOptions {
  /** The span sits in a GFM table cell, where a `|` would end the cell even inside code. */
  table?: boolean;
}

/**
 * An inline code span showing `text` exactly: its fence is one backtick longer
 * than the longest run inside, and padded when the text starts or ends with a
 * backtick or space (CommonMark strips one space each side). GitHub neither
 * links nor pings inside code, and HTML there is text.
 */
export function codeSpan(text: string, options: CodeSpanOptions = {}): string {
  let content = oneLine(visible(text));
  if (options.table) {
    // In a cell `\|` is the escaped pipe; a backslash of the value's own right
    // before it would pair with ours in some parsers (micromark) and not in
    // others (GitHub's), so an invisible space keeps them apart for both.
    content = content.replace(/\\(?=\|)/g, `\\${ZERO_WIDTH_SPACE}`).replace(/\|/g, '\\|');
  }
  if (content === '') return '` `';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) && content.trim() !== '' ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * A fenced code block showing `text` line by line: the fence is longer than any
 * backtick run in the text, so no line of it can close the block. `info` is our
 * own language tag (e.g. "yaml").
 */
export function codeBlock(text: string, info = ''): string {
  const content = visible(text).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info.replace(/[^\w+-]/g, '')}\n${content}\n${fence}`;
}

/**
 * Text inside our own HTML (a `<details>` summary): GitHub does not parse
 * markdown there, so it is HTML-escaped instead, kept on one line (a blank
 * line would end the HTML block), and defused like any other text.
 */
export function escapeHtmlText(text: string): string {
  return defuse(oneLine(visible(text)))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * A label inside a mermaid chart, double-quoted. Mermaid strings have no
 * escape for `"`, and decode entity codes such as `#lt;`; backticks start its
 * markdown strings and `<` `>` its HTML labels. Each is swapped for a
 * look-alike, so the label reads the same and stays inert text.
 */
export function mermaidLabel(text: string): string {
  const label = oneLine(visible(text))
    .replace(/["`]/g, "'")
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/#(?=\w+;)/g, '＃');
  return `"${label}"`;
}

/** GitHub shows a check run's title as plain text, on one line, and refuses long ones. */
export const CHECK_RUN_TITLE_MAX_CHARS = 255;

/** A check run's title: plain text on one line, cut to GitHub's length at a character boundary. */
export function checkRunTitle(text: string): string {
  const chars = Array.from(defuse(oneLine(visible(text))).trim());
  return chars.length <= CHECK_RUN_TITLE_MAX_CHARS
    ? chars.join('')
    : `${chars.slice(0, CHECK_RUN_TITLE_MAX_CHARS - 1).join('')}…`;
}

/**
 * A markdown link to a URL we were configured with (the run's page on
 * `GITHUB_SERVER_URL`), never to one from data. Returns the label alone when
 * the URL is not http(s), so a broken setting cannot make a `javascript:` link.
 */
export function markdownLink(label: string, url: string): string {
  let href: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return escapeText(label);
    href = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  } catch {
    return escapeText(label);
  }
  return `[${escapeText(label)}](${href})`;
}
