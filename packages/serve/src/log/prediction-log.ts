// Every prediction as one JSON line (request id, model version, inputs or
// their digest, the answer, latency), and every label as one more, in files
// rotated by size and bounded in count (logrotate's scheme: the live file,
// then .1 the newest rotated ... .N the oldest, deleted past N).
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export interface PredictionLogOptions {
  dir: string;
  /** Bytes per file before it rotates. */
  maxFileBytes: number;
  /** Rotated files kept besides the live one. */
  maxFiles: number;
}

/** Lines waiting for the disk beyond this are dropped (and counted), so a slow disk cannot grow memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export const PREDICTION_LOG_FILE = 'predictions.jsonl';

export class PredictionLog {
  private readonly stream: RotatingFileStream;
  dropped = 0;
  private failure: Error | undefined;

  constructor(options: PredictionLogOptions) {
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
    if (this.failure || this.stream.writableLength > MAX_BUFFERED_BYTES) {
      this.dropped++;
      return;
    }
    this.stream.write(`${JSON.stringify(record)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.closed || this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
    });
  }
}
