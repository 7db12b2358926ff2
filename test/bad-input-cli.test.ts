// The bad-input table for the mlship CLI (test/bad-input/cli-rows.ts): each
// row runs `mlship` in its own process and workspace and must fail cleanly:
// non-zero exit, one stderr line naming what is wrong and what to do, no
// stack, nothing left behind.
import { after, before, describe, test } from 'node:test';
import { buildFixtures, type Fixtures } from './bad-input/fixtures.ts';
import { assertCleanFailure, runRow } from './bad-input/bad-input-row.ts';
import { CLI_ROWS } from './bad-input/cli-rows.ts';
import { runCli } from './bad-input/run-cli.ts';
import { changedPaths, createWorkspace, snapshot } from './bad-input/workspace.ts';

let fixtures: Fixtures;
before(async () => {
  fixtures = await buildFixtures();
});
after(() => fixtures.remove());

describe('mlship fails cleanly on bad input', { concurrency: 2 }, () => {
  for (const row of CLI_ROWS) {
    test(`mlship ${row.args[0]}: ${row.case}`, (t) =>
      runRow(t, row, async () => {
        const ws = createWorkspace(row.files ?? {}, fixtures.paths);
        try {
          const before = snapshot(ws.dir);
          const run = await runCli(row.args, {
            cwd: ws.dir,
            env: { HOME: ws.home, TMPDIR: ws.tmp, NODE_COMPILE_CACHE: fixtures.compileCache, ...row.env },
            timeoutMs: 60_000,
          });
          const errorLines = run.stderr.split('\n').filter((line) => line.trim() !== '');
          t.diagnostic(errorLines.join(' | '));
          assertCleanFailure(row, {
            exitCode: run.exitCode,
            errorLines,
            output: run.stdout + run.stderr,
            changed: changedPaths(before, snapshot(ws.dir)),
            tmpDir: ws.tmp,
          });
        } finally {
          ws.remove();
        }
      }));
  }
});
