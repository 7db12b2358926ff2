// The reference a data set is compared with: a profile file (the usual case,
// often a model version's published data profile), or the reference data
// itself, which makes the numeric tests exact (KS over both data sets in full).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { exactKolmogorovSmirnov } from '../engine/exact-counts.ts';
import type { ScannedFile } from '../engine/scan-columns.ts';
import { parseProfile } from '../profile/data-profiler.ts';
import type { Profile } from '../profile/profile-schema.ts';
import type { ExactKsStatistics } from '../drift/compare-profiles.ts';
import { profileData } from './profile-data.ts';
import { readText } from './read-text.ts';

export interface Reference {
  profile: Profile;
  /** The reference data's files, when the reference was data rather than a profile. */
  files?: ScannedFile[];
}

/** A .json file holding an object is a profile; any other data file (or glob) is reference data. */
async function isProfileFile(path: string): Promise<boolean> {
  if (extname(path).toLowerCase() !== '.json' || /[*?[{]/.test(path)) return false;
  const head = await readFile(path, { encoding: 'utf8' }).catch(() => '');
  return head.trimStart().startsWith('{');
}

export async function loadReference(path: string): Promise<Reference> {
  if (await isProfileFile(path)) return { profile: parseProfile(await readText(path), path) };
  const { profile, files } = await profileData(path);
  return { profile, files };
}

/** Exact KS statistics of the numeric columns both data sets share, when both are at hand. */
export async function exactKsStatistics(
  reference: Reference,
  current: { profile: Profile; files: ScannedFile[] },
): Promise<ExactKsStatistics> {
  const out = new Map<string, number>();
  if (!reference.files) return out;
  for (const ref of reference.profile.columns) {
    const cur = current.profile.columns.find((c) => c.name === ref.name);
    if (ref.kind !== 'numeric' || cur?.kind !== 'numeric' || ref.timestamp || cur.timestamp) continue;
    if (ref.finiteCount === 0 || cur.finiteCount === 0) continue;
    out.set(ref.name, (await exactKolmogorovSmirnov(reference.files, current.files, ref.name)).d);
  }
  return out;
}
