// The CLI as users get it from npm: the package `npm pack` makes, installed
// from its tarball into a clean folder, run with the Node found there. The
// native engine (ONNX Runtime) resolves as the package declares it; npm would
// fetch the laptop's platform build, and here the workspace's copy stands in
// for it (an override), so the test needs no network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { writeDemoData } from '@mlship/demo';
import { writeTestDemoModels } from '@mlship/demo/test-kit';
import { NODE_ENGINES, nativeDependencies, nativeOptionalDependencies, packCli } from '../scripts/pack-cli.ts';
import { repoRoot } from '../scripts/build-actions.ts';

const root = mkdtempSync(join(tmpdir(), 'mlship-packed-'));
const laptop = join(root, 'laptop');
let tarball = '';

before(
  async () => {
    tarball = await packCli(join(root, 'pack'));
    mkdirSync(laptop);
    // Each native dependency from the workspace package that declares it.
    const overrides = Object.fromEntries(
      [...Object.keys(nativeDependencies()), ...Object.keys(nativeOptionalDependencies())].map((name) => {
        const dir = readdirSync(join(repoRoot, 'packages'))
          .map((p) => join(repoRoot, 'packages', p, 'node_modules', name))
          .find((candidate) => existsSync(candidate));
        assert.ok(dir, `${name} is not installed in any workspace package`);
        return [name, `file:${realpathSync(dir)}`];
      }),
    );
    writeFileSync(join(laptop, 'package.json'), JSON.stringify({ name: 'laptop', private: true, overrides }));
    // --ignore-scripts: onnxruntime-node's install step only fetches optional CUDA files
    // (and a `file:` dependency would run its development build).
    execFileSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], {
      cwd: laptop,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  },
  { timeout: 300_000 },
);
after(() => rmSync(root, { recursive: true, force: true }));

/** This Node (24) and every other Node 20 or newer on PATH (the machine's, Node 20 in CI), by major version. */
function nodes(): Map<number, string> {
  const found = new Map<number, string>([[Number(process.versions.node.split('.')[0]), process.execPath]]);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const node = join(dir, 'node');
    if (!existsSync(node)) continue;
    const version = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const major = Number(version.split('.')[0]);
    if (major >= 20 && !found.has(major)) found.set(major, node);
  }
  return found;
}

function mlship(node: string, args: string[], cwd: string) {
  return spawnSync(node, [join(laptop, 'node_modules', '.bin', 'mlship'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('the package holds the bundle, the templates and a bin, and depends on the native engines only', () => {
  const manifest = JSON.parse(readFileSync(join(laptop, 'node_modules', 'mlship', 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    engines: { node: string };
    dependencies: Record<string, string>;
  };
  assert.deepEqual(manifest.bin, { mlship: 'dist/mlship.js' });
  assert.equal(manifest.engines.node, NODE_ENGINES);
  assert.deepEqual(manifest.dependencies, nativeDependencies());
  assert.ok('onnxruntime-node' in manifest.dependencies);
  assert.ok(existsSync(join(laptop, 'node_modules', 'mlship', 'workflows-templates', 'mlship-pull-request.yml')));
  const kib = statSync(tarball).size / 1024;
  assert.ok(kib < 2048, `the tarball is ${kib.toFixed(0)} KiB: something heavy was bundled`);
});

for (const [major, node] of nodes()) {
  test(
    `on Node ${major}: npx mlship init scaffolds a repository and validate scores ONNX models`,
    { timeout: 300_000 },
    async () => {
      const work = mkdtempSync(join(root, `node${major}-`));
      execFileSync('git', ['init', '-q', '-b', 'main', work]);
      const data = await writeDemoData(join(work, 'data'));
      const models = await writeTestDemoModels(join(work, 'models'));

      const help = mlship(node, ['--help'], work);
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /init +scaffold workflows/);

      const init = mlship(node, ['init', '--name', 'penguins', '--data', 'data/train.csv', '--label', 'species'], work);
      assert.equal(init.status, 0, init.stderr);
      assert.match(init.stdout, /created +\.github\/workflows\/mlship-pull-request\.yml/);
      assert.match(readFileSync(join(work, 'mlship', 'policy.yml'), 'utf8'), /^label: species$/m);

      const check = mlship(
        node,
        ['data', 'test', 'data/*.csv', '--expectations', 'mlship/expectations.yml', '--fail-on', 'never'],
        work,
      );
      assert.equal(check.status, 0, check.stderr);

      const validate = mlship(
        node,
        [
          'validate',
          '--candidate',
          models.candidate,
          '--baseline',
          models.baseline,
          '--data',
          models.holdout,
          '--policy',
          models.policy,
        ],
        work,
      );
      assert.equal(validate.status, 0, validate.stderr);
      assert.match(validate.stdout, /^mlship validate: PASS/);

      const demo = mlship(node, ['demo'], work);
      assert.equal(demo.status, 2);
      assert.match(demo.stderr, /runs from a checkout of mlship/);
    },
  );
}
