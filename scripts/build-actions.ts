// Bundles every action's src/index.ts into the single committed file its
// action.yml runs (actions/NAME/dist/index.js), as the GitHub runner needs:
// no install step happens on the runner.
import { build, type BuildOptions } from 'esbuild';
import { readdirSync, existsSync, mkdirSync, writeFileSync, readFileSync, cpSync } from 'node:fs';
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

/**
 * Optional actions/NAME/build.json, for an action that needs a native addon:
 * `external` import patterns esbuild must leave alone (e.g. "*.node"),
 * `copy` entries ({ from: path under the repo root, to: path under
 * actions/NAME }) committed beside the bundle so it runs with no install, and
 * `paths`: module specifiers the bundle loads from a path relative to its
 * dist/ folder instead (a package's native addon, copied there).
 */
export interface ActionBuildConfig {
  external?: string[];
  copy?: { from: string; to: string }[];
  paths?: Record<string, string>;
}

export function buildConfig(action: string): ActionBuildConfig {
  const file = join(repoRoot, 'actions', action, 'build.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ActionBuildConfig) : {};
}

/** Every file a build copies: [source, destination] as absolute paths. */
export function copiedFiles(action: string): [string, string][] {
  return (buildConfig(action).copy ?? []).flatMap(({ from, to }) => {
    const source = join(repoRoot, from);
    const dest = join(repoRoot, 'actions', action, to);
    if (!existsSync(source))
      throw new Error(`actions/${action}/build.json: '${from}' does not exist; run pnpm install`);
    const names = readdirSync(source, { recursive: true, withFileTypes: true }).filter((d) => !d.isDirectory());
    return names.map((d) => {
      const rel = join(d.parentPath, d.name).slice(source.length);
      return [join(source, rel), join(dest, rel)] as [string, string];
    });
  });
}

function options(action: string): BuildOptions {
  const paths = buildConfig(action).paths ?? {};
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
    external: buildConfig(action).external ?? [],
    plugins: [
      {
        name: 'relative-native-paths',
        setup(build) {
          for (const [specifier, path] of Object.entries(paths)) {
            const filter = new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
            build.onResolve({ filter }, () => ({ path, external: true }));
          }
        },
      },
    ],
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
    for (const [source, dest] of copiedFiles(action)) {
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(source, dest, { dereference: true });
    }
    console.log(`actions/${action}/dist/index.js  ${(text.length / 1024).toFixed(0)} KiB`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
