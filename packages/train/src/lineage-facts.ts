// The facts a lineage records that come from the machine and the checkout:
// digests of the training data (or the pointers DVC and Git LFS keep in git
// instead of the data), of the lockfiles that pin the environment, and what
// the runner is.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { glob, lstat, open, readdir, statfs } from 'node:fs/promises';
import { arch, cpus, release, totalmem, type as osType } from 'node:os';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { readConfigFile } from '@mlship/config-file';
import { InputError } from '@mlship/errors';
import { digestFile, type Lineage, type LineageData } from '@mlship/registry';

/** Files that pin a training environment, looked for at the workspace's root. */
export const KNOWN_LOCKFILES = [
  'requirements.txt',
  'requirements.lock',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'pdm.lock',
  'pixi.lock',
  'conda-lock.yml',
  'environment.yml',
  'package-lock.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'Cargo.lock',
  'go.sum',
  'renv.lock',
  'Manifest.toml',
];

const MAX_DIRECTORY_FILES = 100_000;
const LFS_POINTER = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:([0-9a-f]{64})\nsize (\d+)\n?/;

const DvcFileSchema = z.object({
  outs: z
    .array(
      z.object({
        md5: z.string().optional(),
        size: z.number().int().nonnegative().optional(),
        nfiles: z.number().int().nonnegative().optional(),
        path: z.string(),
      }),
    )
    .min(1),
});

async function isLfsPointer(path: string): Promise<{ oid: string; size: number } | undefined> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(200), 0, 200, 0);
    const match = LFS_POINTER.exec(buffer.subarray(0, bytesRead).toString('utf8'));
    return match ? { oid: match[1]!, size: Number(match[2]) } : undefined;
  } finally {
    await handle.close();
  }
}

async function dvcPointer(path: string, shown: string): Promise<LineageData> {
  const dvc = (await readConfigFile(DvcFileSchema, path, { what: 'DVC pointer', file: shown })).value;
  const out = dvc.outs[0]!;
  return {
    path: shown,
    kind: 'dvc',
    ...(out.md5 ? { md5: out.md5 } : {}),
    ...(out.size === undefined ? {} : { sizeBytes: out.size }),
    ...(out.nfiles === undefined ? {} : { files: out.nfiles }),
  };
}

/** A folder as one digest: its files' relative paths and digests, in order. */
async function directoryDigest(path: string, shown: string): Promise<LineageData> {
  const names = (await readdir(path, { recursive: true })).sort();
  if (names.length > MAX_DIRECTORY_FILES)
    throw new InputError(
      `input 'data': '${shown}' holds over ${MAX_DIRECTORY_FILES} files; point data at its DVC pointer (.dvc) or a manifest file instead`,
    );
  const hash = createHash('sha256');
  let files = 0;
  let sizeBytes = 0;
  for (const name of names) {
    const full = join(path, name);
    if (!(await lstat(full)).isFile()) continue;
    const digest = await digestFile(full);
    hash.update(`${name}\0${digest.sha256}\n`);
    files++;
    sizeBytes += digest.sizeBytes;
  }
  return { path: shown, kind: 'directory', sha256: hash.digest('hex'), sizeBytes, files };
}

async function dataInput(path: string, shown: string): Promise<LineageData> {
  if (shown.endsWith('.dvc')) return dvcPointer(path, shown);
  const stat = await lstat(path);
  if (stat.isDirectory()) return directoryDigest(path, shown);
  const pointer = stat.size < 200 ? await isLfsPointer(path) : undefined;
  if (pointer) return { path: shown, kind: 'lfs', sha256: pointer.oid, sizeBytes: pointer.size };
  const digest = await digestFile(path);
  return { path: shown, kind: 'file', sha256: digest.sha256, sizeBytes: digest.sizeBytes };
}

/**
 * The training data named by `patterns` (paths or globs, relative to the
 * workspace). A path with a DVC pointer beside it (`data.csv.dvc`) is
 * recorded by its pointer, which names the data even when it is not pulled.
 */
export async function dataLineage(patterns: readonly string[], workspace: string): Promise<LineageData[]> {
  const out: LineageData[] = [];
  for (const pattern of patterns) {
    const matches: string[] = [];
    for await (const match of glob(pattern, { cwd: workspace })) matches.push(match);
    const pointer = `${pattern}.dvc`;
    if (matches.length === 0) {
      const dvc = [];
      for await (const match of glob(pointer, { cwd: workspace })) dvc.push(match);
      if (dvc.length === 0)
        throw new InputError(
          `input 'data': '${pattern}' matches no file in the workspace; give the training data's path (or glob, or .dvc pointer) relative to the workspace`,
        );
      matches.push(...dvc);
    }
    for (const match of matches.sort()) {
      const withPointer = !match.endsWith('.dvc') && (await lstat(join(workspace, `${match}.dvc`)).catch(() => null));
      const shown = withPointer ? `${match}.dvc` : match;
      if (!out.some((d) => d.path === shown)) out.push(await dataInput(join(workspace, shown), shown));
    }
  }
  return out;
}

/** Digests of the lockfiles found at the workspace's root, plus any named. */
export async function lockfileLineage(
  workspace: string,
  named: readonly string[],
): Promise<Lineage['environment']['lockfiles']> {
  const out: Lineage['environment']['lockfiles'] = [];
  for (const name of [...KNOWN_LOCKFILES, ...named]) {
    const path = join(workspace, name);
    const stat = await lstat(path).catch(() => undefined);
    if (!stat?.isFile()) {
      if (named.includes(name))
        throw new InputError(`lockfiles: '${name}' is not a file in the workspace; give lockfile paths relative to it`);
      continue;
    }
    const shown = relative(workspace, path);
    if (!out.some((l) => l.path === shown)) out.push({ path: shown, sha256: (await digestFile(path)).sha256 });
  }
  return out;
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) return pretty;
  } catch {
    // not Linux, or no os-release
  }
  return `${osType()} ${release()}`;
}

/** What the runner is: its name and kind from the runner context, the rest from the OS. */
export async function runnerLineage(
  runner: { name?: string | undefined; environment?: string | undefined },
  workspace: string,
): Promise<Lineage['environment']['runner']> {
  const disk = await statfs(workspace).catch(() => undefined);
  return {
    ...(runner.name ? { name: runner.name } : {}),
    ...(runner.environment ? { environment: runner.environment } : {}),
    os: osName(),
    arch: arch(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus().length,
    memoryBytes: totalmem(),
    ...(disk ? { diskFreeBytes: disk.bavail * disk.bsize } : {}),
  };
}
