import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_REF_BYTES, refFormatProblem } from './git-ref.ts';

// Each expectation is what `git check-ref-format` answers for the same name.
test('refs git accepts pass', () => {
  for (const ref of [
    'refs/tags/churn@v1.0.0',
    'refs/tags/a=b@v1.0.0+build.5',
    'refs/tags/churn#prod!#12',
    'refs/tags/a.lockb',
    'refs/tags/dir.=x',
    'refs/tags/ä',
    'refs/tags/@',
    'refs/mlship/events/team+churn/7',
  ]) {
    assert.equal(refFormatProblem(ref), null, ref);
  }
});

test('refs git refuses are refused with the rule they break', () => {
  const cases: [string, RegExp][] = [
    ['refs/tags/a//b', /empty path segment/],
    ['refs/tags/a/', /empty path segment/],
    ['refs/tags/a..b', /'\.\.'/],
    ['refs/tags/x.lock/y', /ending in '\.lock' \('x\.lock'\)/],
    ['refs/tags/a.lock', /ending in '\.lock'/],
    ['refs/tags/x/.y', /starting with '\.' \('\.y'\)/],
    ['refs/tags/a.', /cannot end with '\.'/],
    ['refs/tags/a@{b', /'@\{'/],
    ['@', /'@\{'/],
    ['refs/tags/a b', /spaces/],
    ['refs/tags/a\nb', /control characters \(U\+000A\)/],
    ['refs/tags/a\u007fb', /control characters \(U\+007F\)/],
    ['refs/tags/a~1', /'~'/],
    ['refs/tags/a^', /'\^'/],
    ['refs/tags/a:b', /':'/],
    ['refs/tags/a?', /'\?'/],
    ['refs/tags/a*', /'\*'/],
    ['refs/tags/a[b', /'\['/],
    ['refs/tags/a\\b', /'\\'/],
  ];
  for (const [ref, reason] of cases) {
    const problem = refFormatProblem(ref);
    assert.match(problem ?? 'accepted', reason, JSON.stringify(ref));
    assert.ok(!problem!.includes('\n'), 'one line');
  }
});

test('a ref longer than GitHub keeps is refused; one at the limit passes', () => {
  const at = `refs/tags/${'a'.repeat(MAX_REF_BYTES - 'refs/tags/'.length)}`;
  assert.equal(Buffer.byteLength(at), 255);
  assert.equal(refFormatProblem(at), null);
  assert.match(refFormatProblem(`${at}b`)!, /would be 256 bytes long \(GitHub keeps at most 255\)/);
  // Bytes, not characters: 'é' is two bytes in UTF-8.
  assert.match(refFormatProblem(`refs/tags/${'é'.repeat(123)}`)!, /256 bytes/);
});
