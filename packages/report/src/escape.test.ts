// Each escaper's output pinned on the cases it exists for; the whole corpus,
// read back through a GFM parser, is in test/hostile-strings.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkRunTitle,
  codeBlock,
  codeSpan,
  escapeHeading,
  escapeHtmlText,
  escapeProse,
  escapeText,
  markdownLink,
  mermaidLabel,
} from './escape.ts';

const ZWSP = '\u200B';

test('text: images, links, HTML and emphasis are escaped; mentions and bare URLs broken', () => {
  assert.equal(escapeText('![x](https://evil.example/t.png)'), `\\!\\[x\\](https${ZWSP}://evil.example/t.png)`);
  assert.equal(escapeText('<!-- mlship:report key="churn" -->'), '\\<\\!-- mlship:report key="churn" --\\>');
  assert.equal(escapeText('@org/team and a@b.c'), `@${ZWSP}org/team and a@${ZWSP}b.c`);
  assert.equal(escapeText('see www.evil.example'), `see www${ZWSP}.evil.example`);
  assert.equal(escapeText('a|b `c` *d* &amp; $x$'), 'a\\|b \\`c\\` \\*d\\* \\&amp; \\$x\\$');
  assert.equal(escapeText('line one\n\n# two'), 'line one \\# two');
});

test('text: a leading list or heading marker is escaped, a number is not', () => {
  assert.equal(escapeText('- item'), '\\- item');
  assert.equal(escapeText('---'), '\\---');
  assert.equal(escapeText('1. item'), '1\\. item');
  assert.equal(escapeText('-0.25'), '-0.25');
  assert.equal(escapeText('12.5'), '12.5');
  assert.equal(escapeHeading('  # title  '), '\\# title');
});

test('text: control characters and bidirectional overrides are shown, not obeyed', () => {
  assert.equal(escapeText('a\u202Eb\u0000c'), 'a\uFFFDb\uFFFDc');
});

test('prose keeps paragraphs and line breaks, escaping each line', () => {
  assert.equal(escapeProse('First line\n- second\n\n\n# Third'), 'First line\n\\- second\n\n\\# Third');
});

test('code spans: the fence outgrows any backtick run; pipes escaped only in tables', () => {
  assert.equal(codeSpan('col'), '`col`');
  assert.equal(codeSpan('a`b'), '``a`b``');
  assert.equal(codeSpan('`'), '`` ` ``');
  assert.equal(codeSpan(' x '), '`  x  `');
  assert.equal(codeSpan(''), '` `');
  assert.equal(codeSpan('a\nb'), '`a b`');
  assert.equal(codeSpan('a|b'), '`a|b`');
  assert.equal(codeSpan('a|b', { table: true }), '`a\\|b`');
  assert.equal(codeSpan('a\\|b', { table: true }), `\`a\\${ZWSP}\\|b\``);
});

test('code blocks: no line of the text can close the fence', () => {
  assert.equal(codeBlock('key: 1', 'yaml'), '```yaml\nkey: 1\n```');
  assert.equal(codeBlock('```\nx', 'yaml'), '````yaml\n```\nx\n````');
  assert.equal(codeBlock('x', 'ya ml`'), '```yaml\nx\n```');
});

test('HTML text (details summaries) is entity-escaped on one line', () => {
  assert.equal(
    escapeHtmlText('</summary>\n\n<img src="x"> & @team'),
    `&lt;/summary&gt; &lt;img src=&quot;x&quot;&gt; &amp; @${ZWSP}team`,
  );
});

test('mermaid labels cannot end their quotes or carry HTML or entity codes', () => {
  assert.equal(mermaidLabel('say "hi"\n`x` <b> #lt;'), `"say 'hi' 'x' ‹b› ＃lt;"`);
});

test('check run titles: one line, at most 255 characters, whole characters', () => {
  assert.equal(checkRunTitle('1 gate failed:\n@org/team'), `1 gate failed: @${ZWSP}org/team`);
  const long = checkRunTitle('🎉'.repeat(300));
  assert.equal(Array.from(long).length, 255);
  assert.ok(long.endsWith('🎉…'));
});

test('links: only http(s), with parentheses encoded', () => {
  assert.equal(
    markdownLink('job summary', 'https://github.com/o/r/actions/runs/1'),
    '[job summary](https://github.com/o/r/actions/runs/1)',
  );
  assert.equal(markdownLink('x', 'https://ghes.example/a (b)'), '[x](https://ghes.example/a%20%28b%29)');
  assert.equal(markdownLink('x', 'javascript:alert(1)'), 'x');
  assert.equal(markdownLink('x', 'not a url'), 'x');
});
