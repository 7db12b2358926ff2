// Cuts a markdown report to fit GitHub's comment limit at a clean boundary.
// Cutting at an arbitrary character (what peter-evans/create-or-update-comment
// does) can leave an open code fence or <details> that swallows the note, a
// half table row, or half an HTML tag; here every cut is at a line boundary
// whose block structure is known, and anything still open is closed.
import { markdownLink } from './escape.ts';

/** GitHub's maximum issue/PR/commit comment body, in characters. */
export const COMMENT_LIMIT_CHARS = 65_536;

export interface BlockState {
  /** The open fence's marker (e.g. "```" or "~~~~"), or undefined outside fences. */
  fence: string | undefined;
  /** How many <details> are open (outside fences). */
  detailsDepth: number;
  /** Inside an HTML tag that spans lines (`<img` ... `>`). */
  inTag: boolean;
}

const CLEAN: BlockState = { fence: undefined, detailsDepth: 0, inTag: false };

function isClean(state: BlockState): boolean {
  return state.fence === undefined && state.detailsDepth === 0 && !state.inTag;
}

/** The block state after `line`, given the state before it. */
export function nextBlockState(state: BlockState, line: string): BlockState {
  if (state.fence !== undefined) {
    const close = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?\n?$/.exec(line);
    const closes = close && close[1]![0] === state.fence[0] && close[1]!.length >= state.fence.length;
    return closes ? { ...state, fence: undefined } : state;
  }
  if (!state.inTag) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line.replace(/\r?\n$/, ''));
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) return { ...state, fence: open[1]! };
  }
  let { detailsDepth, inTag } = state;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (inTag) {
      if (ch === '>') inTag = false;
      i += 1;
    } else if (ch === '\\') {
      // An escaped character is text: `\<details>` (escaped data) opens nothing.
      i += 2;
    } else if (ch === '`') {
      // A code span is literal text: `a<b` there is no tag.
      const run = /^`+/.exec(line.slice(i))![0];
      const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
      close.lastIndex = i + run.length;
      const end = close.exec(line);
      i = end ? end.index + run.length : i + run.length;
    } else if (ch === '<') {
      const rest = line.slice(i, i + 11).toLowerCase();
      if (rest.startsWith('</details>')) detailsDepth = Math.max(0, detailsDepth - 1);
      else if (/^<details[\s>]/.test(rest)) detailsDepth += 1;
      if (/^<[a-z/!]/i.test(rest)) inTag = true;
      i += 1;
    } else {
      i += 1;
    }
  }
  return { fence: undefined, detailsDepth, inTag };
}

/** What must be appended to a cut made in `state` so everything open is closed. */
function closers(state: BlockState): string {
  return (state.fence !== undefined ? `${state.fence}\n` : '') + '\n</details>\n'.repeat(state.detailsDepth);
}

export interface TruncateOptions {
  /** Default: GitHub's comment limit. */
  limitChars?: number;
  /** Markdown appended after the cut, e.g. where the full report is. */
  note: string;
}

export interface TruncateResult {
  markdown: string;
  truncated: boolean;
}

/** The usual note: the full report is in the job summary (linked when the run URL is known). */
export function truncationNote(runUrl?: string): string {
  const where = runUrl ? markdownLink('job summary', runUrl) : 'job summary';
  return `> [!NOTE]\n> This report was cut to fit GitHub's comment limit; the full report is in the ${where}.\n`;
}

interface Boundary {
  end: number;
  state: BlockState;
}

/**
 * Cuts `markdown` to at most `limitChars` (JavaScript string length, which is
 * never less than GitHub's character count) with `note` appended. Prefers a
 * line boundary outside any fence, <details> or tag; cuts inside a fence or
 * <details> (then closed) only when the clean cut would drop more than half.
 */
export function truncateMarkdown(markdown: string, options: TruncateOptions): TruncateResult {
  const limit = options.limitChars ?? COMMENT_LIMIT_CHARS;
  if (markdown.length <= limit) return { markdown, truncated: false };
  const tail = `\n${options.note}`;
  const budget = limit - tail.length;
  if (budget < 0) throw new RangeError(`truncation note (${tail.length} chars) does not fit in ${limit}`);

  const boundaries: Boundary[] = [{ end: 0, state: CLEAN }];
  let state = CLEAN;
  let start = 0;
  while (start < markdown.length) {
    const newline = markdown.indexOf('\n', start);
    const end = newline === -1 ? markdown.length : newline + 1;
    if (end > budget) break;
    const line = markdown.slice(start, end);
    state = nextBlockState(state, line);
    boundaries.push({ end, state });
    start = end;
  }

  const fits = (b: Boundary) => b.end + closers(b.state).length <= budget;
  const clean = boundaries.findLast((b) => isClean(b.state) && fits(b))!;
  const closable = boundaries.findLast((b) => !b.state.inTag && fits(b)) ?? clean;
  const chosen = clean.end * 2 >= closable.end ? clean : closable;

  let body = markdown.slice(0, chosen.end);
  let open = chosen.state;
  // The next line alone overflows the budget (minified JSON, a data URI): keep
  // a prefix of it cut at a space outside any tag, unless it is a table row,
  // which is dropped whole rather than broken.
  const next = markdown.slice(chosen.end, markdown.indexOf('\n', chosen.end) + 1 || markdown.length);
  if (chosen === boundaries.at(-1) && open.fence === undefined && !/^\s*\|/.test(next)) {
    const partial = `${cutLine(next, budget - body.length - closers(open).length - 1)}\n`;
    const after = nextBlockState(open, partial);
    if (partial !== '\n' && !after.inTag && body.length + partial.length + closers(after).length <= budget) {
      body += partial;
      open = after;
    }
  }
  return { markdown: `${body}${closers(open)}${tail}`, truncated: true };
}

/** The longest prefix of one line within `room` chars that ends at a space and opens no tag or code span. */
function cutLine(line: string, room: number): string {
  if (room <= 0) return '';
  let cut = line.slice(0, room);
  const space = cut.lastIndexOf(' ');
  cut = space > 0 ? cut.slice(0, space) : '';
  const lastOpen = cut.lastIndexOf('<');
  if (lastOpen !== -1 && cut.indexOf('>', lastOpen) === -1) cut = cut.slice(0, lastOpen);
  if ((cut.match(/`/g)?.length ?? 0) % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`'));
  return cut.trimEnd();
}
