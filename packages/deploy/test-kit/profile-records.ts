// Data profiles of rows held in memory, for tests and the simulated runtime:
// the rows are written as JSON Lines and profiled by the data package's
// engine, as the reference server profiles what it scored.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData, type Profile } from '@mlship/data';

export type Row = Record<string, number | string>;

export async function profileRecords(records: readonly Row[]): Promise<Profile> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-rows-'));
  try {
    const file = join(dir, 'rows.jsonl');
    await writeFile(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    return (await profileData(file)).profile;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
