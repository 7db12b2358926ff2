// Lines waiting for the disk, kept as UTF-8 bytes rather than strings. A
// line built from pieces is a tree of string objects until it is flattened;
// held until the next write (a fraction of a second, or a second), every
// request's lines would outlive the garbage collector's young generation and
// be copied there. Encoded at once into a chunk of bytes, the strings die young.

/** Bytes a chunk holds before a new one is started (a line longer than this gets a chunk of its own size). */
const CHUNK_BYTES = 64 * 1024;

export class LineBuffer {
  private chunks: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;
  /** Bytes held. */
  size = 0;

  /** Adds `text` and a newline. */
  push(text: string): void {
    const need = Buffer.byteLength(text) + 1;
    if (!this.current || this.used + need > this.current.length) {
      if (this.current) this.chunks.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, need));
      this.used = 0;
    }
    this.used += this.current.write(text, this.used);
    this.current[this.used++] = 0x0a;
    this.size += need;
  }

  /** Everything held, as one buffer; the buffer is then empty. */
  take(): Buffer {
    if (this.current) this.chunks.push(this.current.subarray(0, this.used));
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.current = undefined;
    this.used = 0;
    this.size = 0;
    return all;
  }
}
