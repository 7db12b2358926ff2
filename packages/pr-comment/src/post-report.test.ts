import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postReport, summaryMarkdown, SUMMARY_LIMIT_BYTES, type PostReportDeps } from './post-report.ts';
import { MemoryStore } from '../test-kit/memory-store.ts';
import { ReportKeySchema } from './sticky-marker.ts';

function deps(
  report: string | undefined,
  extra: Partial<Omit<PostReportDeps, 'store'>> = {},
): PostReportDeps & { store: MemoryStore } {
  return {
    store: new MemoryStore(),
    lookups: { openPullRequestsForHead: async () => [] },
    context: {
      eventName: 'pull_request',
      payload: { pull_request: { number: 5, body: null, head: { sha: 'abc' } } },
      sha: 'merge',
      ref: 'refs/pull/5/merge',
      repo: { owner: 'o', repo: 'r' },
      workflow: 'CI',
      job: 'eval',
    },
    readReport: async (path) => {
      if (report === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return report;
    },
    ...extra,
  };
}

test('the key defaults to workflow/job and the marker heads the comment', async () => {
  const d = deps('# hi\n');
  const result = await postReport({ reportPath: 'r.md', target: 'auto' }, d);
  assert.equal(result.key, 'CI/eval');
  assert.equal(result.where, 'o/r#5');
  assert.deepEqual(
    d.store.on({ kind: 'issue', number: 5 }).map((r) => r.body),
    ['<!-- mlship:report key="CI/eval" -->\n# hi\n'],
  );
});

test('a dry run writes nothing, not even the summary', async () => {
  const summary: string[] = [];
  const d = deps('# hi\n', { writeSummary: async (m) => void summary.push(m) });
  const result = await postReport(
    { reportPath: 'r.md', target: 'pr/9', key: ReportKeySchema.parse('k'), dryRun: true },
    d,
  );
  assert.equal(result.action, 'dry-run');
  assert.equal(result.body, '<!-- mlship:report key="k" -->\n# hi\n');
  assert.deepEqual(d.store.calls, []);
  assert.deepEqual(summary, []);
});

test('a missing report file names the path', async () => {
  await assert.rejects(postReport({ reportPath: 'out/report.md', target: 'auto' }, deps(undefined)), {
    name: 'InputError',
    message:
      "report: the report file 'out/report.md' does not exist; write it before this step or fix the path (input 'report')",
  });
});

test('the truncation note points at the job summary only when there is one', async () => {
  const long = 'line of text\n'.repeat(10_000);
  const withSummary = deps(long, { writeSummary: async () => {}, runUrl: 'https://github.test/run/7' });
  assert.equal((await postReport({ reportPath: 'r.md', target: 'auto' }, withSummary)).truncated, true);
  assert.match(
    withSummary.store.rows[0]!.body,
    /full report is in the \[job summary\]\(https:\/\/github\.test\/run\/7\)\.\n$/,
  );
  const cli = deps(long);
  await postReport({ reportPath: 'r.md', target: 'auto' }, cli);
  assert.match(cli.store.rows[0]!.body, /This report was cut to fit GitHub's comment limit\.\n$/);
  assert.ok(cli.store.rows[0]!.body.length <= 65_536);
});

test('the job summary keeps the whole report up to 1 MiB of UTF-8, then is cut too', () => {
  const small = '# ok\n';
  assert.equal(summaryMarkdown(small), small);
  const huge = '| métrique | 😀 valeur |\n'.repeat(60_000);
  const cut = summaryMarkdown(huge);
  assert.ok(Buffer.byteLength(cut) <= SUMMARY_LIMIT_BYTES);
  assert.ok(Buffer.byteLength(cut) > SUMMARY_LIMIT_BYTES * 0.9);
  assert.match(
    cut,
    /\| métrique \| 😀 valeur \|\n\n> \[!NOTE\]\n> This report was cut to fit the 1 MiB job summary limit\.\n$/,
  );
});
