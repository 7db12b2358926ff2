// The bundled validate action (actions/validate/dist/index.js, ONNX Runtime's
// binaries vendored beside it) run as the runner runs it, against the GitHub
// emulator: outputs, job summary, files, and the check run carrying the verdict.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type GitHubEmulator, type TokenPermissions } from '@mlship/github-emulator';
import type { DemoFiles } from '@mlship/demo';
import { writeTestDemoModels } from '@mlship/demo/test-kit';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { readOnnxSignature } from '@mlship/onnx';
import { runBundledAction, webhookEvent } from './harness/index.ts';

const BOT = 'github-actions[bot]';
const JOB_TOKEN: TokenPermissions = { contents: 'read', checks: 'write', metadata: 'read' };

let gh: GitHubEmulator;
let workspace: string;
let demo: DemoFiles;
let serial = 0;

before(async () => {
  gh = await startEmulator();
  workspace = mkdtempSync(join(tmpdir(), 'mlship-validate-e2e-'));
  demo = await writeTestDemoModels(join(workspace, 'models'));
});
after(async () => {
  await gh.stop();
});
afterEach(() => {
  assert.deepEqual(gh.violations, [], 'every request and response matched the OpenAPI description');
});

async function run(
  candidate: string,
  permissions: TokenPermissions = JOB_TOKEN,
  options: { baseline?: string; prepare?: (repo: ReturnType<GitHubEmulator['createRepo']>) => Promise<void> } = {},
) {
  const repo = gh.createRepo({ owner: 'octo-org', name: `penguins-${serial++}` });
  gh.createCommit(repo, { branch: 'main', message: 'init' });
  gh.createCommit(repo, { branch: 'feature/model', message: 'Retrain' });
  const pr = gh.createPullRequest(repo, {
    head: 'feature/model',
    base: 'main',
    title: 'Retrain',
    body: '',
    user: 'alice',
  });
  await options.prepare?.(repo);
  const result = await runBundledAction('validate', {
    inputs: {
      candidate,
      baseline: options.baseline ?? 'models/baseline.onnx',
      data: 'models/holdout.csv',
      policy: 'models/policy.yml',
      'output-dir': `out-${serial}`,
    },
    event: webhookEvent('pull_request', 'synchronize', { repo, pr }),
    emulator: gh,
    token: gh.createToken({ login: BOT, type: 'Bot', permissions }),
    cwd: workspace,
    timeoutMs: 120_000,
  });
  return { result, repo, pr };
}

test('a better candidate: verdict pass, a successful check run on the PR head, the section in the job summary', async () => {
  const { result, repo, pr } = await run('models/candidate.onnx');
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.outputs['verdict'], 'pass');
  assert.match(
    readFileSync(join(workspace, result.outputs['report-path']!), 'utf8'),
    /^### ✅ Model validation\n\n\*\*✅ pass\*\*/,
  );
  assert.match(readFileSync(join(workspace, result.outputs['model-card-path']!), 'utf8'), /^---\n[\s\S]*model-index:/);
  assert.equal(JSON.parse(readFileSync(join(workspace, result.outputs['result-path']!), 'utf8')).verdict, 'pass');
  const [check] = gh.repo(repo).checkRuns;
  assert.equal(check?.name, 'mlship validate');
  assert.equal(check?.headSha, pr.headSha);
  assert.equal(check?.conclusion, 'success');
  assert.equal(check?.output.title, 'Candidate passes every gate');
  assert.ok(result.outputs['check-run-url']);
  assert.match(result.summary, /^### ✅ Model validation\n\n\*\*✅ pass\*\*/);
});

test('a degraded candidate: verdict fail, a failing check titled with the first failed gate, the step fails', async () => {
  const { result, repo } = await run('models/degraded.onnx');
  assert.equal(result.exitCode, 1);
  assert.equal(result.outputs['verdict'], 'fail');
  const [check] = gh.repo(repo).checkRuns;
  assert.equal(check?.conclusion, 'failure');
  assert.match(check!.output.title!, /^\d gates? failed: accuracy ≥ 0\.85$/);
  assert.match(check!.output.summary!, /\*\*Failed gates\*\*/);
});

test('without checks: write the step fails with one line saying which permission to add', async () => {
  const { result } = await run('models/candidate.onnx', { contents: 'read', metadata: 'read' });
  assert.equal(result.exitCode, 1);
  assert.equal(result.annotations.length, 1);
  assert.match(
    result.annotations[0]!.message,
    /^could not create the 'mlship validate' check run on octo-org\/penguins-\d+: GitHub refused it \(403: Resource not accessible by integration\); add `permissions: checks: write` to the job, or set check-name to '' to skip the check run$/,
  );
});

test('a corrupt model fails the step with an annotation naming the file', async () => {
  writeFileSync(join(workspace, 'models', 'corrupt.onnx'), 'not a model');
  const { result } = await run('models/corrupt.onnx');
  assert.equal(result.exitCode, 1);
  assert.equal(result.annotations[0]?.file, 'models/corrupt.onnx');
  assert.match(result.annotations[0]!.message, /^models\/corrupt\.onnx: not a valid ONNX model/);
});

test('the baseline can be penguins@prod in the release registry of the repository, checksum-verified', async () => {
  const { result } = await run('models/candidate.onnx', JOB_TOKEN, {
    baseline: 'penguins@prod',
    prepare: async (repo) => {
      const token = gh.createToken({
        login: 'release-bot[bot]',
        type: 'Bot',
        permissions: { contents: 'write', checks: 'read', metadata: 'read' },
      });
      const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
      const registry = new RegistryService(new GitHubStore({ client, owner: repo.owner, repo: repo.name }), {
        actor: 'release-bot',
        readSignature: readOnnxSignature,
      });
      const published = await registry.publish({
        name: 'penguins',
        version: '1.0.0',
        files: [{ path: demo.baseline, role: 'model' }],
        commit: gh.createCommit(repo, { branch: 'main', message: 'Train penguins v1' }),
      });
      await registry.promote({ name: 'penguins', version: published.version, stage: 'prod' });
    },
  });
  assert.equal(result.exitCode, 0, result.stderr);
  const written = JSON.parse(readFileSync(join(workspace, result.outputs['result-path']!), 'utf8'));
  assert.equal(written.baseline.source, 'penguins@prod');
  assert.equal(written.baseline.version, 'penguins@v1.0.0');
  assert.equal(written.verdict, 'pass');
});
