import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { FileFormatError, InputError } from '@mlship/errors';
import type { StagedFile } from './registry-store.ts';
import { MANIFEST_ASSET, type AssetRole } from './manifest.ts';

/** Streams a file once for its sha256 and size (models reach 2 GiB). */
export async function digestFile(path: string): Promise<StagedFile> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(path)).size;
  } catch (error) {
    throw new FileFormatError(
      `${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
      { location: { file: path }, cause: error },
    );
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { name: basename(path), sizeBytes, sha256: hash.digest('hex'), path };
}

export function digestBytes(name: string, bytes: Uint8Array): StagedFile {
  return { name, sizeBytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

// Release asset names GitHub keeps as given: it replaces any other character
// (space, '~', ':', '+', '(', non-ASCII, ...) with '.', and renames leading or
// trailing periods (REST docs, "upload a release asset").
const ASSET_NAME_RE = /^[A-Za-z0-9_-](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$/;

function suggestName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '');
  return safe ? `, e.g. to '${safe}'` : '';
}

export interface RoledFile {
  path: string;
  role: AssetRole;
  /** The file's content when it is built in memory (a card with the lineage added); `path` then names it. */
  bytes?: Uint8Array;
}

/** Hashes the files to publish, ONNX models first (the manifest's signature and default download come from it). */
export async function digestPublishFiles(files: readonly RoledFile[]): Promise<(StagedFile & { role: AssetRole })[]> {
  if (!files.some((f) => f.role === 'model'))
    throw new InputError('files: give at least one model file (e.g. model.onnx) to publish');
  const rank = (f: RoledFile) => (f.role !== 'model' ? 2 : f.path.toLowerCase().endsWith('.onnx') ? 0 : 1);
  const out: (StagedFile & { role: AssetRole })[] = [];
  for (const f of [...files].sort((a, b) => rank(a) - rank(b))) {
    const name = basename(f.path);
    if (!ASSET_NAME_RE.test(name)) {
      throw new InputError(
        `files: '${f.path}' has a name GitHub would silently change on upload (release assets keep only letters, digits, '.', '-' and '_', with no leading or trailing '.'), so it could not be downloaded by name; rename the file${suggestName(name)}`,
      );
    }
    const staged = f.bytes ? digestBytes(name, f.bytes) : await digestFile(f.path);
    if (staged.name === MANIFEST_ASSET)
      throw new InputError(`files: '${f.path}' is named ${MANIFEST_ASSET}, which mlship writes; rename it`);
    if (out.some((o) => o.name === staged.name))
      throw new InputError(`files: two files are named '${staged.name}'; asset names must be unique, rename one`);
    out.push({ ...staged, role: f.role });
  }
  return out;
}
