import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xyChart, barChart, histogramComparison } from './chart.ts';
import { sparkline, unicodeBar } from './sparkline.ts';

test('barChart is a mermaid xychart-beta block', () => {
  const chart = barChart(
    'Accuracy per slice',
    [
      { label: 'en', value: 0.9 },
      { label: 'fr', value: 0.8 },
    ],
    'accuracy',
  );
  assert.equal(
    chart,
    '```mermaid\nxychart-beta\n    title "Accuracy per slice"\n    x-axis ["en", "fr"]\n    y-axis "accuracy"\n    bar [0.9, 0.8]\n```',
  );
});

test('quotes and newlines in labels cannot break the mermaid source', () => {
  const chart = xyChart({ title: 'say "hi"\nthere', categories: ['a"b'], series: [{ kind: 'line', values: [1] }] });
  assert.match(chart, /title "say 'hi' there"/);
  assert.match(chart, /x-axis \["a'b"\]/);
});

test('non-finite values plot as 0 and the y range is written', () => {
  const chart = xyChart({
    title: 't',
    categories: ['a', 'b'],
    yRange: [0, 1],
    series: [{ kind: 'bar', values: [NaN, 0.5] }],
  });
  assert.match(chart, /y-axis "" 0 --> 1/);
  assert.match(chart, /bar \[0, 0.5\]/);
});

test('a series of the wrong length is refused', () => {
  assert.throws(
    () => xyChart({ title: 't', categories: ['a'], series: [{ kind: 'bar', values: [1, 2] }] }),
    /2 values for 1 categories/,
  );
});

test('histogramComparison draws reference as bars and current as a line', () => {
  const chart = histogramComparison('age', ['0-10', '10-20'], [0.4, 0.6], [0.5, 0.5]);
  assert.match(chart, /bar \[0.4, 0.6\]\n {4}line \[0.5, 0.5\]/);
});

test('sparkline scales between min and max', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([2, 2]), '▄▄');
  assert.equal(sparkline([1, NaN, 3]), '▁ █');
  assert.equal(sparkline([]), '');
});

test('unicodeBar draws eighths of a cell', () => {
  assert.equal(unicodeBar(1, 1, 4), '████');
  assert.equal(unicodeBar(0.5, 1, 4), '██');
  assert.equal(unicodeBar(1, 16, 2), '▏');
  assert.equal(unicodeBar(0, 1), '');
  assert.equal(unicodeBar(5, 1, 3), '███');
});
