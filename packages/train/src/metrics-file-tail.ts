// Follows a JSON Lines metrics file the command appends to
// (MLSHIP_METRICS_FILE): reads what was added since the last look, whenever
// the metrics are about to be shown (a progress tick) and once more at the
// end. Nothing watches the file in between: reading on demand costs nothing
// while the run goes, and works on every file system (NFS, overlay), where
// file watches do not fire dependably.
import { open, stat } from 'node:fs/promises';
import { LineSplitter } from './metrics-log.ts';

const CHUNK_BYTES = 1024 * 1024;

export class MetricsFileTail {
  readonly #path: string;
  readonly #onLine: (line: string) => void;
  readonly #lines = new LineSplitter();
  #offset = 0;
  #reading: Promise<void> = Promise.resolve();

  constructor(path: string, onLine: (line: string) => void) {
    this.#path = path;
    this.#onLine = onLine;
  }

  /** Lines already in the file are an earlier run's: start after them. */
  async skipExisting(): Promise<void> {
    this.#offset = await stat(this.#path).then(
      (info) => info.size,
      () => 0,
    );
  }

  /** Reads whatever was appended since the last read. */
  poll(): Promise<void> {
    this.#reading = this.#reading.then(() => this.#read());
    return this.#reading;
  }

  async #read(): Promise<void> {
    // A look that finds nothing new is one stat; the file is opened only when it grew (or was replaced).
    const size = await stat(this.#path).then(
      (info) => info.size,
      () => undefined,
    );
    if (size === undefined || size === this.#offset) return;
    let handle;
    try {
      handle = await open(this.#path, 'r');
    } catch {
      return;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.#offset) this.#offset = 0;
      const buffer = Buffer.alloc(CHUNK_BYTES);
      while (this.#offset < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, size - this.#offset), this.#offset);
        if (bytesRead === 0) break;
        this.#offset += bytesRead;
        for (const line of this.#lines.feed(buffer.subarray(0, bytesRead))) this.#onLine(line);
      }
    } finally {
      await handle.close();
    }
  }

  /** A last read, then the unterminated last line. */
  async stop(): Promise<void> {
    await this.poll();
    for (const line of this.#lines.end()) this.#onLine(line);
  }
}
