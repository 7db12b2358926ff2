// A corpus of hostile strings and the checks that nothing of them escapes a
// report. A renderer under test is a function of one string: fill every
// string slot (column, slice, class, file, model and metric names, card text,
// samples...) with it. Each string is rendered next to a benign one, and the
// output is read with a real GFM parser (micromark, as a dev dependency), so
// the checks see what a markdown renderer sees, not what a regex guesses.
//
// New report sections add themselves in test/hostile-strings.test.ts:
//   test('my section', () => assertRendersSafely((value) => renderMySection(fixtureWith(value))));
import assert from 'node:assert/strict';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { frontmatter } from 'micromark-extension-frontmatter';
import type { Nodes, Root } from 'mdast';

export const HOSTILE_STRINGS: readonly string[] = [
  // links, images and tracking pixels
  '![x](https://evil.example/track.png)',
  '[click me](https://evil.example/login)',
  '[ref]: https://evil.example/ref',
  '[x][ref]',
  '<https://evil.example/auto>',
  'see https://evil.example/bare and www.evil.example',
  'alice@evil.example',
  'mailto:alice@evil.example',
  'javascript:alert(1)',
  '[^1]',
  // raw HTML and comments
  '<img src="https://evil.example/p.png">',
  '<script>alert(1)</script>',
  '<a href="https://evil.example">x</a>',
  '</details>',
  '<details open><summary>forged</summary>',
  '</summary></details><details><summary>',
  '<!-- mlship:report key="churn" -->',
  '<!--',
  '-->',
  '&lt;img src=x&gt; &#64;org/team &amp;',
  // mentions
  '@org/team',
  '@alice please review',
  'cc:@alice,@bob',
  // code spans and fences
  'a`b',
  '`',
  '``x``',
  'x` <img src=x> `',
  '```\nfenced',
  '~~~',
  '    indented code',
  // tables
  'a|b',
  'a\\|b',
  '\\',
  '| a | b |\n| --- | --- |',
  // block structure
  '# heading',
  '- item',
  '+ item',
  '1. item',
  '2) item',
  '> [!WARNING] quote',
  '---',
  '===',
  'line one\nline two',
  'paragraph\n\n# injected heading',
  'x\n\n<details>\n\n| a |\n| - |',
  '**bold** _it_ ~~strike~~ *em*',
  '$x^2$ and $$\\int$$',
  // mermaid
  'x"] \n    bar [1',
  '#lt;img#gt; #quot;',
  '%%{init: {"theme": "dark"}}%%',
  // text that must survive as it is
  '\u202Eevil\u202C reversed',
  'nul\u0000byte and bell\u0007',
  ' leading and trailing ',
  'emoji 🎉, é and ü',
  '${{ github.token }}',
  'x'.repeat(300),
];

/** The benign value every hostile one is compared with: the same renderer, the same slots. */
export const BENIGN_STRING = 'benign';

export interface SafetyOptions {
  /** Hosts links may point at: those the user configured (e.g. GITHUB_SERVER_URL's). None by default. */
  allowedHosts?: readonly string[];
  /**
   * The hostile string must be readable somewhere in the output, whitespace
   * collapsed (default true): escaping that drops the value is no escaping.
   */
  expectVisible?: boolean;
  /**
   * The document's structure (node types, ignoring text) must be the benign
   * rendering's (default true). Off only where length decides the structure,
   * e.g. after truncation.
   */
  sameStructure?: boolean;
}

/** Renders with every corpus string and asserts nothing of it escapes. */
export function assertRendersSafely(render: (value: string) => string, options: SafetyOptions = {}): void {
  const benign = render(BENIGN_STRING);
  assertSafeMarkdown(benign, options);
  const benignShape = shape(parseMarkdown(benign));
  for (const hostile of HOSTILE_STRINGS) {
    const markdown = render(hostile);
    const label = `rendering ${JSON.stringify(hostile)}`;
    assertSafeMarkdown(markdown, options, label);
    if (options.sameStructure ?? true)
      assert.deepEqual(
        shape(parseMarkdown(markdown)),
        benignShape,
        `${label}: the document's structure differs from the benign rendering's\n${markdown}`,
      );
    if (options.expectVisible ?? true) {
      const text = collapse(visibleText(parseMarkdown(markdown)));
      const expected = collapse(
        hostile.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '\uFFFD'),
      );
      assert.ok(text.includes(expected), `${label}: the value is not shown as written\n${markdown}`);
    }
  }
}

export function parseMarkdown(markdown: string): Root {
  return fromMarkdown(markdown, {
    extensions: [gfm(), frontmatter(['yaml'])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(['yaml'])],
  });
}

// What we emit ourselves as HTML: collapsible sections and line breaks in table cells.
const OWN_HTML = [/^<details( open)?>$/, /^<\/details>$/, /^<summary>[^<>]*<\/summary>$/, /^<br>$/];

/**
 * No image, no link except to an allowed host, no link definition or
 * reference, no raw HTML but our own (balanced <details>), no @mention and no
 * bare URL in any text GitHub would scan, and every table row as wide as its
 * header.
 */
export function assertSafeMarkdown(markdown: string, options: SafetyOptions = {}, label = 'rendering'): void {
  const allowed = new Set(options.allowedHosts ?? []);
  const fail = (why: string) => assert.fail(`${label}: ${why}\n--- markdown ---\n${markdown}`);
  let detailsDepth = 0;
  const visit = (node: Nodes): void => {
    switch (node.type) {
      case 'image':
      case 'imageReference':
        return fail(`an image (${node.type === 'image' ? node.url : node.identifier})`);
      case 'definition':
      case 'linkReference':
      case 'footnoteDefinition':
      case 'footnoteReference':
        return fail(`a ${node.type}`);
      case 'link': {
        let host: string | undefined;
        try {
          const url = new URL(node.url);
          host = url.protocol === 'https:' || url.protocol === 'http:' ? url.host : undefined;
        } catch {
          host = undefined;
        }
        if (host === undefined || !allowed.has(host)) fail(`a link to ${node.url}`);
        break;
      }
      case 'html':
        for (const tag of node.value.split(/\n|(?<=>)(?=<)/).map((t) => t.trim())) {
          if (tag === '') continue;
          if (!OWN_HTML.some((pattern) => pattern.test(tag))) fail(`raw HTML ${JSON.stringify(tag)}`);
          if (tag.startsWith('<details')) detailsDepth += 1;
          if (tag === '</details>') detailsDepth -= 1;
          if (detailsDepth < 0) fail('a </details> closes a section it did not open');
          if (tag.startsWith('<summary>')) checkText(decodeHtml(tag.slice(9, -10)), fail);
        }
        break;
      case 'text':
        checkText(node.value, fail);
        break;
      case 'table': {
        const width = node.children[0]?.children.length ?? 0;
        for (const row of node.children)
          if (row.children.length !== width) fail(`a table row has ${row.children.length} cells, its header ${width}`);
        break;
      }
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(parseMarkdown(markdown));
  if (detailsDepth !== 0) fail(`${detailsDepth} <details> left open`);
}

// GitHub's mention filter: an @ after a non-word character (or at the start)
// followed by a letter or digit; its autolinker: a scheme right before :// or www.
const MENTION = /(?:^|[^\w`])@[A-Za-z0-9]/;
const BARE_URL = /\b(?:https?|ftp):\/\/|(?:^|[^\p{L}\p{N}])www\./iu;

function checkText(text: string, fail: (why: string) => void): void {
  if (MENTION.test(text)) fail(`a mention in ${JSON.stringify(text)}`);
  if (BARE_URL.test(text)) fail(`a bare URL GitHub would link in ${JSON.stringify(text)}`);
  if (/[\u202A-\u202E\u2066-\u2069\u0000]/.test(text)) fail(`a control character in ${JSON.stringify(text)}`);
}

function decodeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}

/**
 * The tree's node types, without the text: adjacent paragraphs count as one
 * (prose keeps its paragraphs) and our `<br>` line breaks are left out.
 */
function shape(node: Nodes): unknown {
  if (!('children' in node)) return node.type;
  const children: unknown[] = [];
  for (const child of node.children) {
    if (child.type === 'html' && child.value === '<br>') continue;
    const last = children.at(-1);
    const next = shape(child);
    if (child.type === 'text' && last === 'text') continue;
    if (child.type === 'paragraph' && JSON.stringify(last) === JSON.stringify(next)) continue;
    children.push(next);
  }
  return { [node.type]: children };
}

/** Every text a reader sees: text, code, and our summaries; zero-width spaces removed. */
function visibleText(node: Nodes): string {
  const parts: string[] = [];
  const visit = (n: Nodes): void => {
    if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'code' || n.type === 'yaml') parts.push(n.value);
    if (n.type === 'html')
      for (const match of n.value.matchAll(/<summary>([^<>]*)<\/summary>/g)) parts.push(decodeHtml(match[1]!));
    if ('children' in n) for (const child of n.children) visit(child);
  };
  visit(node);
  return parts.join('\n').replace(/\u200B/g, '');
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
