// Bundles every action's src/index.ts into the single committed file its
// action.yml runs (actions/NAME/dist/index.js), as the GitHub runner needs:
// no install step happens on the runner.
import { build, type BuildOptions } from 'esbuild';
import { readdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function actionNames(): string[] {
  const dir = join(repoRoot, 'actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'src', 'index.ts')))
    .map((d) => d.name)
    .sort();
}

export function distPath(action: string): string {
  return join(repoRoot, 'actions', action, 'dist', 'index.js');
}

function options(action: string): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    entryPoints: [join('actions', action, 'src', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // Some bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __mlshipCreateRequire } from 'node:module'; const require = __mlshipCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    write: false,
    outfile: distPath(action),
  };
}

/** The bundle's text, built in memory (used by the freshness test too). */
export async function bundleAction(action: string): Promise<string> {
  const result = await build(options(action));
  const out = result.outputFiles?.find((f) => f.path.endsWith('index.js'));
  if (!out) throw new Error(`esbuild produced no index.js for actions/${action}`);
  return out.text;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const action of only.length ? only : actionNames()) {
    const text = await bundleAction(action);
    mkdirSync(dirname(distPath(action)), { recursive: true });
    writeFileSync(distPath(action), text);
    console.log(`actions/${action}/dist/index.js  ${(text.length / 1024).toFixed(0)} KiB`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
