import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { checkOutputDirectory } from '@mlship/output-files';
import { once } from 'node:events';
import { IntegrityError } from './registry-errors.ts';
import type { ManifestAsset } from './manifest.ts';

export interface VerifiedDownload {
  /** `NAME@vX.Y.Z/asset`, for messages. */
  label: string;
  destDir: string;
  expected: ManifestAsset;
  /** The store's own digest (`sha256:<hex>`), checked as well as the manifest's. */
  storedDigest: string | undefined;
  open: () => Promise<AsyncIterable<Uint8Array>>;
}

/**
 * Streams an asset to a partial file while hashing it, and renames it into
 * place only when the sha256 matches both the manifest and the store's
 * digest; otherwise the partial file is deleted and nothing is left behind.
 */
export async function verifiedDownload(d: VerifiedDownload): Promise<string> {
  // The name comes from manifest.json, which anyone who can edit the release can rewrite.
  if (d.expected.name !== basename(d.expected.name) || d.expected.name === '..' || d.expected.name === '.') {
    throw new IntegrityError(
      `${d.label}: '${d.expected.name}' in the manifest is not a plain file name; the manifest was altered: do not use this version`,
    );
  }
  await mkdir(d.destDir, { recursive: true });
  const target = join(d.destDir, d.expected.name);
  const partial = `${target}.partial`;
  const hash = createHash('sha256');
  let size = 0;
  let out: WriteStream | undefined;
  try {
    const source = await d.open();
    out = createWriteStream(partial);
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.byteLength;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    const actual = hash.digest('hex');
    if (actual !== d.expected.sha256 || size !== d.expected.sizeBytes) {
      throw new IntegrityError(
        `${d.label}: sha256 ${actual} (${size} bytes) does not match the manifest's ${d.expected.sha256} (${d.expected.sizeBytes} bytes); the asset was altered or truncated, so it was not saved: do not use this version`,
      );
    }
    if (d.storedDigest && d.storedDigest !== `sha256:${actual}`) {
      throw new IntegrityError(
        `${d.label}: sha256 ${actual} does not match the release's digest ${d.storedDigest}; it was not saved: do not use this version`,
      );
    }
    await rename(partial, target);
    return target;
  } catch (error) {
    // Close the file before removing it: an open handle leaks, and blocks the removal on Windows.
    if (out && !out.closed) {
      const closed = once(out, 'close').catch(() => undefined);
      out.destroy();
      await closed;
    }
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Downloads a version's assets into a directory beside `destDir`, each verified,
 * then moves them into `destDir` together: an asset refused half-way (a failed
 * request, a checksum that does not match) leaves nothing of the version
 * behind, not even directories this call created.
 */
export async function verifiedDownloadAll(
  destDir: string,
  downloads: readonly Omit<VerifiedDownload, 'destDir'>[],
): Promise<string[]> {
  const target = resolve(destDir);
  // A file at the path or above it, or a name too long, is refused before any asset is fetched.
  await checkOutputDirectory(destDir, { what: 'download path' });
  const existing = await stat(target).catch(() => null);
  const createdParent = await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.partial-`));
  let moved = false;
  try {
    for (const d of downloads) await verifiedDownload({ ...d, destDir: staging });
    moved = existing === null && (await renameIfAbsent(staging, target));
    if (!moved) {
      await mkdir(target, { recursive: true });
      for (const d of downloads) await rename(join(staging, d.expected.name), join(target, d.expected.name));
      moved = true;
    }
    return downloads.map((d) => join(target, d.expected.name));
  } finally {
    await rm(staging, { recursive: true, force: true });
    if (!moved && createdParent) await rm(createdParent, { recursive: true, force: true });
  }
}

/** Renames a directory onto a path that does not exist (or is an empty directory); false when it has content by now. */
async function renameIfAbsent(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}
