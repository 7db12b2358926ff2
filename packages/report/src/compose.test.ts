import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeReport, overallStatus, renderSection, type ReportSection } from './compose.ts';
import { collapsible } from './details.ts';
import { statusBadge } from './badge.ts';

const sections: ReportSection[] = [
  { id: 'card', title: 'Model card', markdown: 'card', severity: 'info' },
  { id: 'data', title: 'Data tests', markdown: 'all good', severity: 'pass' },
  { id: 'drift', title: 'Drift', markdown: 'age drifted', severity: 'fail' },
  { id: 'eval', title: 'Validation', markdown: 'slower', severity: 'warn' },
  { id: 'canary', title: 'Canary', markdown: 'too few samples', severity: 'inconclusive' },
  { id: 'gate', title: 'Gate', markdown: 'accuracy dropped', severity: 'fail' },
];

test('failing sections come first, same severity keeps its order', () => {
  const report = composeReport(sections, { title: 'mlship report', footer: '[run](https://example.test/run)' });
  const headings = report.split('\n').filter((l) => l.startsWith('### '));
  assert.deepEqual(headings, [
    '### ❌ Drift',
    '### ❌ Gate',
    '### ⚠️ Validation',
    '### ❔ Canary',
    '### ✅ Data tests',
    '### Model card',
  ]);
  assert.ok(report.startsWith('## ❌ mlship report\n'));
  assert.ok(report.endsWith('[run](https://example.test/run)\n'));
});

test('a section alone renders under its badged heading, as inside a report', () => {
  const section = { id: 'drift', title: 'Drift', markdown: 'two columns drifted\n', severity: 'warn' as const };
  assert.equal(renderSection(section), `### ${statusBadge('warn').split(' ')[0]} Drift\n\ntwo columns drifted\n`);
  assert.ok(composeReport([section], { title: 'mlship' }).includes(renderSection(section)));
});

test('the overall status is the worst section', () => {
  assert.equal(overallStatus(sections), 'fail');
  assert.equal(overallStatus([sections[1]!]), 'pass');
  assert.equal(overallStatus([sections[0]!]), undefined);
  assert.equal(overallStatus([]), undefined);
});

test('duplicate section ids are refused', () => {
  assert.throws(() => composeReport([sections[0]!, sections[0]!], { title: 't' }), /used twice/);
});

test('collapsible wraps markdown with the blank lines GitHub needs', () => {
  assert.equal(
    collapsible('Details <raw>', '| a |\n| - |', { open: true }),
    '<details open>\n<summary>Details &lt;raw&gt;</summary>\n\n| a |\n| - |\n\n</details>',
  );
});

test('status badges are text', () => {
  assert.equal(statusBadge('fail'), '❌ fail');
  assert.equal(statusBadge('pass', 'accuracy ≥ 0.9'), '✅ accuracy ≥ 0.9');
});
