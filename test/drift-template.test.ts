// The scheduled drift workflow (workflows-templates/mlship-drift.yml) as the
// runner runs its data-test step, with that step's own `with:` block: fresh
// production data that drifted from the profile published with the prod
// version opens one tracking issue for the model; a second drifted run
// updates it (never a second issue); a run whose data is like the reference
// closes it, and one that stays clear opens nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'yaml';
import { startEmulator, type GitHubEmulator, type RepoHandle } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { runDataTest } from '@mlship/data';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { TRACKING_LABELS, trackingMarker } from '@mlship/monitor';
import { repoRoot } from '../scripts/build-actions.ts';
import { runBundledAction, webhookEvent } from './harness/index.ts';

const WEATHER = join(repoRoot, 'node_modules', 'vega-datasets', 'data', 'seattle-weather.csv');

interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, string> }[] }>;
}

let gh: GitHubEmulator;
let repo: RepoHandle;
let token: string;
let workspace: string;
let mainSha: string;
let step: Record<string, string>;
let model: string;

/** The step's `with:` values, the workflow's `${{ env.X }}` filled in as the runner does. */
function templateStep(workflow: Workflow): Record<string, string> {
  const found = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.uses?.includes('/actions/data-test@'));
  assert.ok(found?.with, 'the drift template has a data-test step');
  return Object.fromEntries(
    Object.entries(found.with).map(([k, v]) => [
      k,
      String(v).replace(/\$\{\{\s*env\.(\w+)\s*\}\}/g, (_, name: string) => workflow.env[name] ?? ''),
    ]),
  );
}

/** What the workflow's export step writes: the weather rows as Parquet, optionally moved (a units change upstream). */
async function exportRecentData(shift: number): Promise<void> {
  const db = await DuckDBInstance.create();
  const connection = await db.connect();
  const path = join(workspace, step.data!);
  await connection.run(
    `COPY (SELECT date, precipitation + ${shift} AS precipitation, temp_max + ${shift} AS temp_max, temp_min + ${shift} AS temp_min, wind + ${shift} AS wind, weather FROM read_csv('${WEATHER}')) TO '${path}' (FORMAT parquet)`,
  );
  connection.closeSync();
  db.closeSync();
}

before(async () => {
  step = templateStep(
    parse(await readFile(join(repoRoot, 'workflows-templates', 'mlship-drift.yml'), 'utf8')) as Workflow,
  );
  model = step['model']!;
  assert.equal(step['tracking-issue'], 'true', "the template's data-test step keeps a tracking issue for its model");
  assert.ok(model);
  gh = await startEmulator();
  repo = gh.createRepo({ owner: 'octo-org', name: 'weather-model' });
  mainSha = gh.createCommit(repo, { branch: 'main', message: 'model code' });
  token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { metadata: 'read', contents: 'read', issues: 'write' },
  });
  workspace = await mkdtemp(join(tmpdir(), 'mlship-drift-template-'));
  await mkdir(join(workspace, 'mlship'));
  await writeFile(
    join(workspace, step.expectations!),
    'schemaVersion: 1\ncolumns:\n  weather:\n    inSet: { values: [sun, rain, fog, drizzle, snow] }\n',
  );
  // The production version, published with the profile of the data it was trained on.
  const reference = await runDataTest({ data: WEATHER, failOn: 'never', outputDir: join(workspace, 'training') });
  await writeFile(join(workspace, 'model.onnx'), 'model bytes');
  const registry = new RegistryService(
    new GitHubStore({
      client: createGitHubClient({
        token: gh.createToken({
          login: 'release-bot',
          type: 'Bot',
          permissions: { metadata: 'read', contents: 'write' },
        }),
        baseUrl: gh.apiUrl,
        throttle: false,
      }),
      owner: repo.owner,
      repo: repo.name,
    }),
    { actor: 'alice' },
  );
  await registry.publish({
    name: model,
    version: 'v1.0.0',
    commit: mainSha,
    files: [
      { path: join(workspace, 'model.onnx'), role: 'model' },
      { path: reference.profilePath, role: 'data-profile' },
    ],
  });
  await registry.promote({ name: model, version: 'v1.0.0', stage: 'prod' });
});
after(async () => {
  await gh.stop();
  await rm(workspace, { recursive: true, force: true });
});

const dataTest = () =>
  runBundledAction('data-test', {
    inputs: step,
    event: webhookEvent('workflow_dispatch', '', { repo, sha: mainSha }),
    emulator: gh,
    token,
    cwd: workspace,
    timeoutMs: 60_000,
  });

const driftIssues = () =>
  [...gh.state.repos.get(repo.fullName.toLowerCase())!.issues.values()].filter((i) =>
    i.labels.includes(TRACKING_LABELS.drift),
  );

test('drift opens one issue for the model, a second drifted run updates it, data like the reference closes it', async () => {
  await exportRecentData(8);
  const first = await dataTest();
  assert.equal(first.exitCode, 1, 'data-set drift fails the scheduled run at fail-on: error');
  assert.equal(first.outputs.result, 'fail');
  const number = first.outputs['issue-number'];
  assert.ok(number, first.stderr);
  assert.equal(driftIssues().length, 1);
  const [issue] = driftIssues();
  assert.equal(String(issue!.number), number);
  assert.equal(issue!.state, 'open');
  assert.match(issue!.title, new RegExp(`${model}.*drift`));
  assert.ok(issue!.body!.startsWith(`${trackingMarker(model, 'drift')}\n`));
  assert.match(issue!.body!, /Data tests/);

  const second = await dataTest();
  assert.equal(second.exitCode, 1);
  assert.equal(second.outputs['issue-number'], number, 'the same issue, updated');
  assert.equal(driftIssues().length, 1);

  await exportRecentData(0);
  const clear = await dataTest();
  assert.equal(clear.exitCode, 0, clear.stderr);
  assert.notEqual(clear.outputs.result, 'fail', 'a warning passes the step at fail-on: error');
  assert.deepEqual(
    driftIssues().map((i) => i.state),
    ['closed'],
  );
  const again = await dataTest();
  assert.equal(again.exitCode, 0);
  assert.equal(driftIssues().length, 1, 'a run that stays clear opens nothing');
  assert.deepEqual(gh.violations, []);
});
