// The trusted half of a pull request reports every job's outcome, skipped
// ones included: when the data tests fail nothing is trained, and the comment
// must still come and say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/build-actions.ts';

interface Step {
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
const workflow = parse(readFileSync(join(repoRoot, 'workflows-templates', 'mlship-train.yml'), 'utf8')) as {
  jobs: Record<string, { needs?: string[]; if?: string; steps: Step[] }>;
};
const report = workflow.jobs.report!;
const compose = report.steps.find((s) => s.run?.includes('> mlship-report.md'))!;

test('the report job runs whatever the pull request run and the training concluded, unless cancelled', () => {
  assert.match(report.if ?? '', /!cancelled\(\)/);
  assert.doesNotMatch(report.if ?? '', /conclusion|success\(\)|result/);
  for (const step of report.steps.filter((s) => s.run === compose.run || s.uses?.includes('/actions/report@')))
    assert.equal(step.if, '${{ !cancelled() }}');
});

test('every job the report waits for, and the validate step, has its outcome in the report', () => {
  const env = Object.values(compose.env ?? {}).join('\n');
  for (const job of report.needs ?? []) assert.ok(env.includes(`needs.${job}.result`), `needs.${job}.result`);
  assert.ok(env.includes('github.event.workflow_run.conclusion'));
  assert.ok(env.includes('steps.validate.outcome'));
});

test('data tests failed: the comment carries the outcomes and the data section, training shown as skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-outcomes-'));
  try {
    writeFileSync(join(dir, 'data.md'), '### ❌ Data tests\n\nbody_mass_g: 30% outside [2000, 7000]\n');
    execFileSync('bash', ['-e', '-c', compose.run!], {
      cwd: dir,
      env: {
        PATH: '/usr/bin:/bin',
        DATA: 'data.md',
        VALIDATION: '',
        PULL_REQUEST_RUN: 'failure',
        PULL_REQUEST_RUN_URL: 'https://github.com/octo-org/penguins/actions/runs/42',
        TRAIN: 'skipped',
        TRAIN_FORK: 'skipped',
        VALIDATE: 'skipped',
      },
    });
    assert.equal(
      readFileSync(join(dir, 'mlship-report.md'), 'utf8'),
      [
        '| job | outcome |',
        '| --- | --- |',
        '| [data tests](https://github.com/octo-org/penguins/actions/runs/42) | failure |',
        '| train | skipped |',
        '| train (fork) | skipped |',
        '| validate | skipped |',
        '',
        '### ❌ Data tests',
        '',
        'body_mass_g: 30% outside [2000, 7000]',
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
