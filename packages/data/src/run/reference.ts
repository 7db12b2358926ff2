// The reference a data set is compared with: a profile file (the usual case,
// often a model version's published data profile), or the reference data
// itself, which makes the numeric tests exact (KS over both data sets in full).
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { FileFormatError, InputError } from '@mlship/errors';
import { extname } from 'node:path';
import { exactKolmogorovSmirnov } from '../engine/exact-counts.ts';
import type { ScannedFile } from '../engine/scan-columns.ts';
import { parseProfile } from '../profile/data-profiler.ts';
import { resolveDataFiles } from '../engine/data-format.ts';
import type { Profile } from '../profile/profile-schema.ts';
import type { ExactKsStatistics } from '../drift/compare-profiles.ts';
import { profileData } from './profile-data.ts';
import { readText } from './read-text.ts';

export interface Reference {
  profile: Profile;
  /** The reference data's files, when the reference was data rather than a profile. */
  files?: ScannedFile[];
}

/** A .json file holding an object is a profile; JSON data is an array of records. */
async function isProfileFile(path: string): Promise<boolean> {
  if (extname(path).toLowerCase() !== '.json') return false;
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{');
  } finally {
    await handle.close();
  }
}

/** The profiles a path or glob names, when every file is a profile (shards to merge); otherwise undefined. */
export async function shardProfiles(pattern: string): Promise<{ profiles: Profile[]; files: string[] } | undefined> {
  if (extname(pattern).toLowerCase() !== '.json') return undefined;
  const files = await resolveDataFiles(pattern);
  const kinds = await Promise.all(files.map(isProfileFile));
  if (!kinds.some(Boolean)) return undefined;
  const data = files.find((_, i) => !kinds[i]);
  if (data)
    throw new InputError(
      `${data}: is JSON data among profile files; give either shard profiles or data files, not both`,
    );
  return { profiles: await Promise.all(files.map(readShardProfile)), files };
}

/** A JSON object given as data is either a profile or a mistake; the error says both ways out. */
async function readShardProfile(file: string): Promise<Profile> {
  const text = await readText(file);
  try {
    return parseProfile(text, file);
  } catch (error) {
    if (error instanceof FileFormatError && /\(no schemaVersion\)/.test(error.message))
      throw new FileFormatError(
        `${file}: a JSON object, neither data (expected a JSON array of objects, or JSON Lines) nor a profile (no schemaVersion); give records or a profile written by 'mlship data profile'`,
        { location: { file } },
      );
    throw error;
  }
}

export async function loadReference(path: string): Promise<Reference> {
  if (!/[*?[{]/.test(path) && !existsSync(path))
    throw new InputError(
      `reference '${path}' does not exist; check the path (a profile, data, or NAME@STAGE with a registry)`,
    );
  if (!/[*?[{]/.test(path) && (await isProfileFile(path))) return { profile: parseProfile(await readText(path), path) };
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
