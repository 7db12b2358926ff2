// The `mlship` CLI as an npm package (`npx mlship ...` on Node 20 or newer):
// the CLI bundled with esbuild (the workspace runs TypeScript on Node 24
// directly; a laptop's Node 20 needs JavaScript), the workflow templates
// `mlship init` copies, and a package.json whose dependencies are the native
// engines. Those are not bundled or vendored as in the actions (which commit
// linux-x64 binaries for the runner): npm installs the laptop's own platform
// build of them.
//
//   node scripts/pack-cli.ts [--out DIR]    writes DIR/mlship-X.Y.Z.tgz (default .mlship/npm)
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './build-actions.ts';
import { packageVersion } from './release-notes.ts';

/** Packages with native code: dependencies of the npm package, never bundled. */
const NATIVE = ['onnxruntime-node', '@duckdb/node-api', '@duckdb/node-bindings'];
/** Platform binaries the engine lists as optional; npm installs the one for the user's machine. */
const NATIVE_OPTIONAL = ['@duckdb/node-bindings-linux-x64'];

/** The oldest Node the package supports: `import.meta.dirname` arrived in 20.11. */
export const NODE_ENGINES = '>=20.11';

/** Each native package's version range, as the workspace package that uses it declares it. */
export function nativeDependencies(): Record<string, string> {
  return declared('dependencies', NATIVE);
}

/** The optional platform binaries, declared the same way. */
export function nativeOptionalDependencies(): Record<string, string> {
  return declared('optionalDependencies', NATIVE_OPTIONAL);
}

function declared(field: 'dependencies' | 'optionalDependencies', names: string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const dir of readdirSync(join(repoRoot, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const name of names) {
      const range = manifest[field]?.[name];
      if (range) found[name] = range;
    }
  }
  return found;
}

// The demo needs the GitHub emulator and GitHub's OpenAPI description (hundreds
// of MB); it runs from a checkout, so the package answers with where to get one.
const demoFromCheckout: Plugin = {
  name: 'demo-from-checkout',
  setup(b) {
    b.onResolve({ filter: /commands\/demo\.ts$/ }, () => ({ path: 'demo', namespace: 'demo-from-checkout' }));
    b.onLoad({ filter: /.*/, namespace: 'demo-from-checkout' }, () => ({
      loader: 'js',
      contents: `export default {
  summary: 'the whole lifecycle on one machine (from a checkout of mlship)',
  async run(_argv, io) {
    io.stderr("mlship demo runs from a checkout of mlship: git clone https://github.com/mlship/mlship && cd mlship && npm run demo\\n");
    return 2;
  },
};`,
    }));
  },
};

// fs/promises' glob arrived in Node 22; on Node 20 the data readers glob with
// tinyglobby instead (same patterns, relative to cwd, files only).
const globBeforeNode22: Plugin = {
  name: 'glob-before-node-22',
  setup(b) {
    b.onResolve({ filter: /^node:fs\/promises$/ }, (args) =>
      args.importer.includes('node_modules') || args.namespace === 'glob-before-node-22'
        ? undefined
        : { path: 'fs-promises', namespace: 'glob-before-node-22' },
    );
    b.onLoad({ filter: /.*/, namespace: 'glob-before-node-22' }, () => ({
      loader: 'js',
      resolveDir: repoRoot,
      contents: `import * as promises from 'node:fs/promises';
import { glob as tinyglobby } from 'tinyglobby';
export * from 'node:fs/promises';
export const glob =
  promises.glob ??
  async function* glob(pattern, options = {}) {
    yield* await tinyglobby(pattern, { cwd: options.cwd ?? process.cwd(), onlyFiles: true, expandDirectories: false });
  };`,
    }));
  },
};

/** Builds the package folder and packs it; returns the tarball's path. */
export async function packCli(outDir: string): Promise<string> {
  const staging = join(outDir, 'package');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const dependencies = nativeDependencies();
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { mlship: join('packages', 'cli', 'src', 'main.ts') },
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outdir: join(staging, 'dist'),
    chunkNames: 'chunks/[name]-[hash]',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __mlshipCreateRequire } from 'node:module'; const require = __mlshipCreateRequire(import.meta.url);",
    },
    external: [...Object.keys(dependencies), ...Object.keys(nativeOptionalDependencies()), '*.node'],
    plugins: [demoFromCheckout, globBeforeNode22],
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
  // Only the entry may start with a shebang line.
  for (const chunk of readdirSync(join(staging, 'dist', 'chunks'))) {
    const file = join(staging, 'dist', 'chunks', chunk);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^#!.*\n/, ''));
  }
  cpSync(join(repoRoot, 'workflows-templates'), join(staging, 'workflows-templates'), { recursive: true });
  const version = packageVersion();
  writeFileSync(
    join(staging, 'package.json'),
    `${JSON.stringify(
      {
        name: 'mlship',
        version,
        description: 'GitHub-native MLOps: data tests, validation, PR reports and a GitHub Releases model registry.',
        type: 'module',
        bin: { mlship: 'dist/mlship.js' },
        files: ['dist', 'workflows-templates'],
        engines: { node: NODE_ENGINES },
        repository: { type: 'git', url: 'git+https://github.com/mlship/mlship.git' },
        dependencies,
        optionalDependencies: nativeOptionalDependencies(),
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(staging, 'README.md'),
    `# mlship ${version}\n\nThe mlship CLI: the same code path as the mlship GitHub Actions, on your machine.\n\n\`\`\`sh\nnpx mlship init --data data/train.csv --label LABEL   # scaffold workflows, expectations and policies\nnpx mlship --help\n\`\`\`\n\nSee https://github.com/mlship/mlship.\n`,
  );
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
    cwd: staging,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(out) as { filename: string }[];
  return join(outDir, packed!.filename);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = resolve(values.out ?? join(repoRoot, '.mlship', 'npm'));
  mkdirSync(outDir, { recursive: true });
  const tarball = await packCli(outDir);
  const { size } = await import('node:fs').then((fs) => fs.statSync(tarball));
  console.log(`${tarball}  ${(size / 1024).toFixed(0)} KiB`);
}
