// The release of mlship itself: a tag vX.Y.Z must match the root package.json
// version and have its section in CHANGELOG.md; that section is the GitHub
// Release's notes, and vX is the major tag workflows reference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './build-actions.ts';

const TAG = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The major tag a release moves: `v1` for v1.4.2. */
export function majorTag(version: string): string {
  const m = TAG.exec(version.startsWith('v') ? version : `v${version}`);
  if (!m) throw new Error(`'${version}' is not a release version vX.Y.Z`);
  return `v${m[1]}`;
}

/** The changelog's section for a version: the lines under `## vX.Y.Z`, up to the next `## `. */
export function releaseNotes(changelog: string, tag: string): string {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${tag}`);
  if (start === -1) throw new Error(`CHANGELOG.md has no '## ${tag}' section; rename '## Unreleased' to it`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const notes = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .trim();
  if (!notes) throw new Error(`CHANGELOG.md's '## ${tag}' section is empty; say what changed`);
  return `${notes}\n`;
}

/** Checks a release tag against the repository; returns its notes. */
export function checkRelease(tag: string, packageVersion: string, changelog: string): string {
  majorTag(tag);
  if (tag !== `v${packageVersion}`)
    throw new Error(`tag ${tag} does not match package.json's version ${packageVersion}; tag v${packageVersion}`);
  return releaseNotes(changelog, tag);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

if (import.meta.main) {
  const tag = process.argv[2] ?? '';
  try {
    process.stdout.write(checkRelease(tag, packageVersion(), readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8')));
  } catch (error) {
    process.stderr.write(`release: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
