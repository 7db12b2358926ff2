import semver from 'semver';

export type BumpKind = 'patch' | 'minor' | 'major';

/** Orders `v`-prefixed strict SemVer strings (SemVer precedence, build metadata ignored). */
export function compareVersions(a: string, b: string): number {
  return semver.compare(a.slice(1), b.slice(1));
}

export function highestVersion(versions: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || compareVersions(v, best) > 0) best = v;
  return best;
}

/** The next version after the highest existing one; v0.1.0-style starts at the bump from v0.0.0. */
export function bumpVersion(versions: readonly string[], kind: BumpKind): string {
  const highest = highestVersion(versions) ?? 'v0.0.0';
  // A prerelease is bumped past, not completed: v1.0.0-rc.1 + patch = v1.0.1.
  const base = semver.parse(highest.slice(1))!;
  const core = `${base.major}.${base.minor}.${base.patch}`;
  return `v${semver.inc(core, kind)!}`;
}
