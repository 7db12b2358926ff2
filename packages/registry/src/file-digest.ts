import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { FileFormatError } from '@mlship/errors';
import type { StagedFile } from './registry-store.ts';

/** Streams a file once for its sha256 and size (models reach 2 GiB). */
export async function digestFile(path: string): Promise<StagedFile> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(path)).size;
  } catch (error) {
    throw new FileFormatError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`, { location: { file: path }, cause: error });
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { name: basename(path), sizeBytes, sha256: hash.digest('hex'), path };
}

export function digestBytes(name: string, bytes: Uint8Array): StagedFile {
  return { name, sizeBytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}
