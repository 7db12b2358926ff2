import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateMarkdown, truncationNote, nextBlockState, COMMENT_LIMIT_CHARS, type BlockState } from './truncate.ts';
import { renderTable } from './table.ts';
import { collapsible } from './details.ts';

const NOTE = truncationNote('https://github.test/o/r/actions/runs/1');

function finalState(markdown: string): BlockState {
  let state: BlockState = { fence: undefined, detailsDepth: 0, inTag: false };
  for (const line of markdown.split(/(?<=\n)/)) state = nextBlockState(state, line);
  return state;
}

test('a report within the limit is unchanged', () => {
  assert.deepEqual(truncateMarkdown('# hi\n', { note: NOTE }), { markdown: '# hi\n', truncated: false });
  const exact = 'x'.repeat(COMMENT_LIMIT_CHARS);
  assert.equal(truncateMarkdown(exact, { note: NOTE }).truncated, false);
});

test('a long report is cut to the comment limit with the note at the end', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => [`slice-${i}`, i / 5000, 'ok']);
  const report = `## Report\n\n${renderTable(['slice', 'accuracy', 'status'], rows)}\n\nend\n`;
  const { markdown, truncated } = truncateMarkdown(report, { note: NOTE });
  assert.equal(truncated, true);
  assert.ok(markdown.length <= COMMENT_LIMIT_CHARS);
  assert.ok(markdown.endsWith(NOTE));
  // Every table row kept is a whole row of the original.
  const original = new Set(report.split('\n'));
  for (const line of markdown.slice(0, -NOTE.length).split('\n')) assert.ok(original.has(line), line);
});

test('a cut never leaves a code fence open: the clean boundary before it is used', () => {
  const fence = '```json\n' + '{"a": 1}\n'.repeat(50) + '```\n';
  const report = 'intro\n\n' + 'p\n'.repeat(400) + fence + 'after\n';
  const { markdown } = truncateMarkdown(report, { note: NOTE, limitChars: 900 + NOTE.length });
  assert.equal(finalState(markdown).fence, undefined);
  assert.ok(!markdown.includes('```json'), 'the fence that did not fit is left out whole');
});

test('a report that is one big code block is cut inside it and the fence is closed', () => {
  const report = '~~~~text\n' + 'line of log output\n'.repeat(10_000) + '~~~~\n';
  const { markdown } = truncateMarkdown(report, { note: NOTE });
  assert.ok(markdown.length <= COMMENT_LIMIT_CHARS);
  assert.ok(markdown.length > COMMENT_LIMIT_CHARS * 0.9, 'most of the budget is used');
  assert.match(markdown, /line of log output\n~~~~\n\n> \[!NOTE\]/);
  assert.equal(finalState(markdown).fence, undefined);
});

test('open <details> are closed when the cut must be inside them', () => {
  const inner = collapsible('inner', 'row\n'.repeat(20_000));
  const report = collapsible('outer', `${inner}\n`);
  const { markdown } = truncateMarkdown(report, { note: NOTE });
  assert.ok(markdown.length <= COMMENT_LIMIT_CHARS);
  assert.equal(finalState(markdown).detailsDepth, 0);
  assert.equal(markdown.match(/<details>/g)!.length, markdown.match(/<\/details>/g)!.length);
});

test('a multi-line HTML tag is never cut', () => {
  const img = '<img\n  alt="chart"\n  src="data:image/png;base64,AAAA"\n/>\n';
  const report = 'a\n'.repeat(30) + img + 'b\n'.repeat(100);
  for (let limit = NOTE.length + 60; limit < NOTE.length + 110; limit++) {
    const { markdown } = truncateMarkdown(report, { note: NOTE, limitChars: limit });
    const body = markdown.slice(0, markdown.length - NOTE.length);
    assert.equal(finalState(body).inTag, false, `limit ${limit}`);
  }
});

test('one line longer than the limit is cut at a space, outside any tag', () => {
  const report = 'word <b>bold</b> '.repeat(10_000);
  const { markdown } = truncateMarkdown(report, { note: NOTE });
  assert.ok(markdown.length <= COMMENT_LIMIT_CHARS);
  assert.ok(markdown.length > COMMENT_LIMIT_CHARS / 2);
  assert.match(markdown, /^word <b>bold<\/b>/);
  assert.equal(finalState(markdown.slice(0, -NOTE.length)).inTag, false);
});

test('an overlong table row is dropped whole, never broken', () => {
  const report = `| a | b |\n| - | - |\n| ${'x '.repeat(40_000)} | y |\n`;
  const { markdown } = truncateMarkdown(report, { note: NOTE });
  assert.equal(markdown, `| a | b |\n| - | - |\n\n${NOTE}`);
});

test('a note longer than the limit is refused', () => {
  assert.throws(() => truncateMarkdown('x'.repeat(100), { note: 'n'.repeat(100), limitChars: 50 }), RangeError);
});

// Property-like: random reports made of every block kind, cut at many limits.
function randomReport(seed: number): string {
  let s = seed;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
  const blocks: string[] = [];
  const block = (depth: number): string => {
    switch (rand(depth > 1 ? 4 : 5)) {
      case 0:
        return `Paragraph ${rand(1000)} with \`a<b\` and <code>x</code> text.`;
      case 1:
        return renderTable(
          ['k', 'v'],
          Array.from({ length: 1 + rand(8) }, (_, i) => [`k|${i}`, `v\n${rand(99)}`]),
        );
      case 2:
        return (
          '```python\n' + Array.from({ length: 1 + rand(6) }, () => `x = "<details>" | ${rand(9)}`).join('\n') + '\n```'
        );
      case 3:
        return `<img\n  src="chart-${rand(9)}.svg"\n  alt="c"\n/>`;
      default:
        return collapsible(`s${rand(9)}`, Array.from({ length: 1 + rand(3) }, () => block(depth + 1)).join('\n\n'));
    }
  };
  for (let i = 0; i < 40; i++) blocks.push(block(0));
  return `${blocks.join('\n\n')}\n`;
}

test('property: at any limit the result fits, is balanced, and is a line prefix of the report', () => {
  const note = truncationNote();
  let cuts = 0;
  for (let seed = 1; seed <= 25; seed++) {
    const report = randomReport(seed);
    assert.equal(finalState(report).fence, undefined);
    for (let limit = note.length + 1; limit < report.length; limit += 1 + (limit % 37)) {
      const { markdown, truncated } = truncateMarkdown(report, { note, limitChars: limit });
      assert.equal(truncated, true);
      assert.ok(markdown.length <= limit, `seed ${seed} limit ${limit}: ${markdown.length}`);
      assert.ok(markdown.endsWith(`\n${note}`));
      const body = markdown.slice(0, -note.length - 1);
      const state = finalState(body);
      assert.deepEqual(state, { fence: undefined, detailsDepth: 0, inTag: false }, `seed ${seed} limit ${limit}`);
      // The body is a prefix of the report ending at a line boundary, then at
      // most one line cut at a space (never a table row), then only closers.
      let common = 0;
      while (common < body.length && body[common] === report[common]) common++;
      const lineEnd = body.lastIndexOf('\n', common - 1) + 1;
      const [first = '', ...rest] = body.slice(lineEnd).split('\n');
      const isCloser = (l: string) => /^(`{3,}|~{3,}|<\/details>|)$/.test(l);
      const partialOk = isCloser(first) || (!first.startsWith('|') && report.startsWith(`${first} `, lineEnd));
      assert.ok(
        partialOk && rest.every(isCloser),
        `seed ${seed} limit ${limit}: ${JSON.stringify(body.slice(lineEnd))}`,
      );
      cuts++;
    }
  }
  assert.ok(cuts > 1000, `only ${cuts} cuts tried`);
});
