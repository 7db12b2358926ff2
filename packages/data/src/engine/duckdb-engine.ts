// The data engine: one in-process DuckDB per process, loaded on first use so
// commands that read no data never load the native library. Scans hand their
// rows to JavaScript through a sink function that DuckDB calls with each
// vector chunk: a query run this way reports its errors, where a streamed
// result ends silently on a mid-file error (the C API's fetch returns the
// same empty chunk for "done" and "failed").
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { UserError } from '@mlship/errors';

/**
 * Called with each chunk while the engine's thread waits; reads what it needs
 * of the chunk's memory, which the engine reuses once it returns, and may
 * return the rest of its work: that runs after the engine is released, while
 * it reads the next chunk (see sinkQuery).
 */
export type ChunkHandler = (chunk: DuckDBDataChunk) => (() => void) | void;

interface Engine {
  connection: DuckDBConnection;
  /** The handler the sink function calls; one scan runs at a time. */
  handler: ChunkHandler | undefined;
}

let engine: Promise<Engine> | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function start(): Promise<Engine> {
  let api: typeof import('@duckdb/node-api');
  try {
    api = await import('@duckdb/node-api');
  } catch (cause) {
    throw new UserError(
      `the data engine (DuckDB) cannot be loaded on ${process.platform}-${process.arch} (${(cause as Error).message.split('\n')[0]}); the bundled actions ship it for Linux x64 runners: run the step on ubuntu-latest or a Linux x64 self-hosted runner, or use the mlship CLI after npm install`,
      { cause },
    );
  }
  // CSV, JSON and Parquet are built in; https://, s3:// and gs:// need the httpfs extension, which
  // the engine installs on first use (from the network), or finds in MLSHIP_DUCKDB_EXTENSIONS on a
  // runner without one (see docs/data.md).
  const extensions = process.env.MLSHIP_DUCKDB_EXTENSIONS;
  const instance = await api.DuckDBInstance.create(':memory:', {
    autoload_known_extensions: 'true',
    autoinstall_known_extensions: 'true',
    ...(extensions ? { extension_directory: extensions } : {}),
  });
  const connection = await instance.connect();
  await connection.run(s3Secret(process.env));
  const state: Engine = { connection, handler: undefined };
  connection.registerScalarFunction(
    api.DuckDBScalarFunction.create({
      name: 'mlship_sink',
      returnType: api.BOOLEAN,
      varArgsType: api.ANY,
      // Nulls reach the handler (they are data), and the call is never folded away.
      specialHandling: true,
      volatile: true,
      mainFunction: (_info, input) => state.handler?.(input),
    }),
  );
  return state;
}

function engineReady(): Promise<Engine> {
  engine ??= start();
  return engine;
}

/** Runs one engine task at a time: a scan's sink handler and settings are process-wide. */
function exclusive<T>(task: (e: Engine) => Promise<T>): Promise<T> {
  const run = queue.then(async () => task(await engineReady()));
  queue = run.catch(() => undefined);
  return run;
}

/** Rows of a query as plain values (for small results: descriptions, aggregates). */
export function queryRows(sql: string): Promise<Record<string, unknown>[]> {
  return exclusive(async ({ connection }) => {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  });
}

/**
 * Runs `SELECT count(mlship_sink(<columns>)) FROM <from>`: DuckDB calls
 * `onChunk` with every chunk of the columns, in order when the scan is
 * `serial` (then on one thread). The work a handler returns runs in the order of the
 * chunks, after DuckDB's thread is released: the engine parses the next
 * chunk while JavaScript consumes this one, instead of one waiting for the
 * other. Resolves when every row was handed over and consumed; rejects with
 * the first error of a handler or its work (the scan stops at the next
 * chunk), or with DuckDB's.
 */
export function sinkQuery(
  columns: readonly string[],
  from: string,
  onChunk: ChunkHandler,
  options: { serial?: boolean } = {},
): Promise<void> {
  return exclusive(async (state) => {
    // A serial scan is one task: on one thread the query's own thread runs it, where with more it
    // may wait for a worker that does, spinning (seconds of CPU on a 3M-row CSV).
    if (options.serial) await state.connection.run('SET threads = 1');
    const work = new ChunkWork();
    state.handler = (chunk) => {
      work.rethrow();
      try {
        const rest = onChunk(chunk);
        if (rest) work.push(rest);
      } catch (error) {
        work.fail(error);
        throw error;
      }
    };
    try {
      await state.connection.run(`SELECT count(mlship_sink(${columns.join(', ')})) FROM ${from}`);
    } catch (cause) {
      // Work still queued belongs to a scan that failed: it must not run later, beside a retry.
      work.abandon();
      // A handler's own error, not the engine's message that wraps its text.
      work.rethrow();
      throw cause;
    } finally {
      state.handler = undefined;
      if (options.serial) await state.connection.run('RESET threads');
    }
    work.finish();
  });
}

/** The chunks' deferred work, run in order on the next turn of the event loop. */
class ChunkWork {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;
  private failed: { error: unknown } | undefined;
  private abandoned = false;

  push(task: () => void): void {
    if (this.abandoned) return;
    this.queue.push(task);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  fail(error: unknown): void {
    this.failed ??= { error };
    this.queue.length = 0;
  }

  /** Drops what is queued; nothing queued later runs. */
  abandon(): void {
    this.abandoned = true;
    this.queue.length = 0;
  }

  rethrow(): void {
    if (this.failed) throw this.failed.error;
  }

  /** Runs what is left (the query is over) and throws the first error. */
  finish(): void {
    this.run();
    this.rethrow();
  }

  private run(): void {
    while (this.queue.length > 0 && !this.failed) {
      const task = this.queue.shift()!;
      try {
        task();
      } catch (error) {
        this.fail(error);
      }
    }
  }
}

/**
 * S3 (and S3-compatible: MinIO, R2, Ceph) credentials from the standard AWS
 * variables, for s3:// paths; a statement that does nothing without them.
 */
function s3Secret(env: NodeJS.ProcessEnv): string {
  const key = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (!key || !secret) return 'SELECT 1';
  const options = [`TYPE s3`, `KEY_ID ${sqlString(key)}`, `SECRET ${sqlString(secret)}`];
  if (env.AWS_SESSION_TOKEN) options.push(`SESSION_TOKEN ${sqlString(env.AWS_SESSION_TOKEN)}`);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) options.push(`REGION ${sqlString(region)}`);
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint) {
    const url = new URL(endpoint);
    options.push(`ENDPOINT ${sqlString(url.host)}`, `URL_STYLE 'path'`, `USE_SSL ${url.protocol === 'https:'}`);
  }
  return `CREATE OR REPLACE SECRET mlship_s3 (${options.join(', ')})`;
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL identifier. */
export function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
