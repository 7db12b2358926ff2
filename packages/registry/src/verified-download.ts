import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
