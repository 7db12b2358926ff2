// Block blobs as Azure stores them: blocks staged by id (Put Block), committed
// in the order a block list names them (Put Block List), or a whole blob
// written at once (Put Blob); reads by byte range. Limits are Azure's for
// service version 2019-12-12 and later.
import { createHash } from 'node:crypto';
import { BlobError } from './blob-errors.ts';
import type { BlobLocation } from './shared-access-signature.ts';

export const BLOB_LIMITS = {
  maxBlockBytes: 4000 * 1024 * 1024,
  maxPutBlobBytes: 5000 * 1024 * 1024,
  maxCommittedBlocks: 50_000,
  maxUncommittedBlocks: 100_000,
  maxBlockIdBytes: 64,
} as const;

export interface StoredBlob {
  /** the committed blocks, in order; the blob's bytes are their concatenation */
  blocks: { id: string | undefined; bytes: Buffer }[];
  size: number;
  contentType: string;
  etag: string;
  createdMs: number;
  lastModifiedMs: number;
}

export type BlockListEntry = { list: 'Latest' | 'Committed' | 'Uncommitted'; id: string };

export class BlobStore {
  readonly #blobs = new Map<string, StoredBlob>();
  readonly #staged = new Map<string, Map<string, Buffer>>();
  #etagCounter = 0;

  get(location: BlobLocation): StoredBlob | undefined {
    return this.#blobs.get(keyOf(location));
  }

  delete(location: BlobLocation): void {
    this.#blobs.delete(keyOf(location));
    this.#staged.delete(keyOf(location));
  }

  putBlock(location: BlobLocation, blockId: string, bytes: Buffer): void {
    const decoded = decodeBlockId(blockId);
    if (bytes.length > BLOB_LIMITS.maxBlockBytes)
      throw new BlobError(
        413,
        'RequestBodyTooLarge',
        'The request body is too large and exceeds the maximum permissible limit.',
      );
    const staged = this.#staged.get(keyOf(location)) ?? new Map<string, Buffer>();
    const sample = staged.keys().next();
    // Azure requires every block id of a blob to have the same length.
    if (!sample.done && decodeBlockId(sample.value).length !== decoded.length)
      throw new BlobError(400, 'InvalidBlobOrBlock', 'The specified blob or block content is invalid.');
    if (!staged.has(blockId) && staged.size >= BLOB_LIMITS.maxUncommittedBlocks)
      throw new BlobError(
        409,
        'BlockCountExceedsLimit',
        'The uncommitted block count cannot exceed the maximum limit of 100,000 blocks.',
      );
    staged.set(blockId, bytes);
    this.#staged.set(keyOf(location), staged);
  }

  putBlockList(location: BlobLocation, entries: BlockListEntry[], contentType: string, nowMs: number): StoredBlob {
    if (entries.length > BLOB_LIMITS.maxCommittedBlocks)
      throw new BlobError(
        409,
        'BlockCountExceedsLimit',
        'The committed block count cannot exceed the maximum limit of 50,000 blocks.',
      );
    const staged = this.#staged.get(keyOf(location)) ?? new Map<string, Buffer>();
    const committed = new Map(
      (this.get(location)?.blocks ?? []).flatMap((b) => (b.id === undefined ? [] : [[b.id, b.bytes] as const])),
    );
    const blocks = entries.map(({ list, id }) => {
      const bytes =
        list === 'Committed'
          ? committed.get(id)
          : list === 'Uncommitted'
            ? staged.get(id)
            : (staged.get(id) ?? committed.get(id));
      if (!bytes) throw new BlobError(400, 'InvalidBlockList', 'The specified block list is invalid.');
      return { id, bytes };
    });
    this.#staged.delete(keyOf(location));
    return this.#commit(location, blocks, contentType, nowMs);
  }

  putBlob(location: BlobLocation, bytes: Buffer, contentType: string, nowMs: number): StoredBlob {
    if (bytes.length > BLOB_LIMITS.maxPutBlobBytes)
      throw new BlobError(
        413,
        'RequestBodyTooLarge',
        'The request body is too large and exceeds the maximum permissible limit.',
      );
    this.#staged.delete(keyOf(location));
    return this.#commit(location, [{ id: undefined, bytes }], contentType, nowMs);
  }

  /** sha256 of a committed blob's bytes, hex. */
  digest(blob: StoredBlob): string {
    const hash = createHash('sha256');
    for (const block of blob.blocks) hash.update(block.bytes);
    return hash.digest('hex');
  }

  /** The committed bytes from `start` to `endInclusive`, as slices of the stored blocks. */
  read(blob: StoredBlob, start: number, endInclusive: number): Buffer[] {
    const slices: Buffer[] = [];
    let offset = 0;
    for (const { bytes } of blob.blocks) {
      const blockEnd = offset + bytes.length;
      if (blockEnd > start && offset <= endInclusive)
        slices.push(bytes.subarray(Math.max(0, start - offset), Math.min(bytes.length, endInclusive + 1 - offset)));
      offset = blockEnd;
      if (offset > endInclusive) break;
    }
    return slices;
  }

  #commit(
    location: BlobLocation,
    blocks: { id: string | undefined; bytes: Buffer }[],
    contentType: string,
    nowMs: number,
  ): StoredBlob {
    const previous = this.get(location);
    const blob: StoredBlob = {
      blocks,
      size: blocks.reduce((sum, b) => sum + b.bytes.length, 0),
      contentType,
      etag: `"0x8DD${(nowMs * 16 + (this.#etagCounter++ % 16)).toString(16).toUpperCase().padStart(12, '0')}"`,
      createdMs: previous?.createdMs ?? nowMs,
      lastModifiedMs: nowMs,
    };
    this.#blobs.set(keyOf(location), blob);
    return blob;
  }
}

function keyOf(location: BlobLocation): string {
  return `${location.account}/${location.container}/${location.blob}`;
}

function decodeBlockId(blockId: string): Buffer {
  const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(blockId) ? Buffer.from(blockId, 'base64') : undefined;
  if (!decoded || decoded.length === 0 || decoded.length > BLOB_LIMITS.maxBlockIdBytes)
    throw new BlobError(
      400,
      'InvalidQueryParameterValue',
      'Value for one of the query parameters specified in the request URI is invalid.',
    );
  return decoded;
}
