// The results service's rules for artifacts, the same the client checks before
// it sends (@actions/artifact, path-and-artifact-name-validation.ts): names
// without characters NTFS and other file systems cannot store, and a retention
// no longer than the repository allows (GITHUB_RETENTION_DAYS, at most 90 days
// for public repositories).

export const FORBIDDEN_NAME_CHARACTERS: readonly string[] = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

/** The artifact versions the v4+ clients send (upload-artifact@v4 sends 4; @actions/artifact 6 sends 7). */
export const ARTIFACT_VERSIONS = { min: 4, max: 7 } as const;

export const DEFAULT_RETENTION_DAYS = 90;

export function artifactNameProblem(name: string): string | undefined {
  if (!name) return 'artifact name is required';
  const found = FORBIDDEN_NAME_CHARACTERS.find((c) => name.includes(c));
  return found === undefined
    ? undefined
    : `artifact name ${JSON.stringify(name)} contains the forbidden character ${JSON.stringify(found)}`;
}

/** When an artifact expires: the requested time, never past the repository's retention. */
export function artifactExpiry(requestedMs: number | undefined, nowMs: number, retentionDays: number): number {
  const maxMs = nowMs + retentionDays * 24 * 3600 * 1000;
  return requestedMs === undefined ? maxMs : Math.min(requestedMs, maxMs);
}
