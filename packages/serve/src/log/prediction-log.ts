// Every prediction as one JSON line (request id, model version, inputs or
// their digest, the answer, latency), and every label as one more, in files
// rotated by size and bounded in count (logrotate's scheme: the live file,
// then .1 the newest rotated ... .N the oldest, deleted past N).
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { LineBuffer } from './line-buffer.ts';

export interface PredictionLogOptions {
  dir: string;
  /** Bytes per file before it rotates. */
  maxFileBytes: number;
  /** Rotated files kept besides the live one. */
  maxFiles: number;
}

/** Lines waiting for the disk beyond this are dropped (and counted), so a slow disk cannot grow memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/**
 * Lines are written together at this interval (or at 64 KiB), not one write
 * per prediction: each write is a fixed cost, which a low request rate would
 * otherwise feel per request.
 */
const FLUSH_MS = 200;
const FLUSH_BYTES = 64 * 1024;

export const PREDICTION_LOG_FILE = 'predictions.jsonl';

export class PredictionLog {
  private readonly stream: RotatingFileStream;
  dropped = 0;
  private failure: Error | undefined;
  private readonly pending = new LineBuffer();
  private timer: NodeJS.Timeout | undefined;
  /** A batch stays well under a file, so rotation keeps files near their size. */
  private readonly flushBytes: number;

  constructor(options: PredictionLogOptions) {
    this.flushBytes = Math.min(FLUSH_BYTES, Math.floor(options.maxFileBytes / 4));
    this.stream = createStream(
      (index: number | Date | null) => (index ? `predictions.${String(index)}.jsonl` : PREDICTION_LOG_FILE),
      {
        path: options.dir,
        size: `${Math.max(1, Math.floor(options.maxFileBytes / 1024))}K`,
        rotate: options.maxFiles,
      },
    );
    // A failing disk must not take the server down: the error is kept and logging stops.
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  /** The error that stopped logging, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  write(record: Record<string, unknown>): void {
    this.writeLine(JSON.stringify(record));
  }

  /** One line already encoded as JSON (without its newline). */
  writeLine(json: string): void {
    if (this.failure || this.stream.writableLength + this.pending.size > MAX_BUFFERED_BYTES) {
      this.dropped++;
      return;
    }
    this.pending.push(json);
    if (this.pending.size >= this.flushBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0 || this.failure) return;
    this.stream.write(this.pending.take());
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => {
      if (this.stream.closed || this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
    });
  }
}
