// The data engine: one in-process DuckDB per process, loaded on first use so
// commands that read no data never load the native library. Scans hand their
// rows to JavaScript through a sink function that DuckDB calls with each
// vector chunk: a query run this way reports its errors, where a streamed
// result ends silently on a mid-file error (the C API's fetch returns the
// same empty chunk for "done" and "failed").
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { UserError } from '@mlship/errors';

export type ChunkHandler = (chunk: DuckDBDataChunk) => void;

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
  const instance = await api.DuckDBInstance.create(':memory:', {
    // Autoloading would try the network for an extension; everything used here is built in.
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
  });
  const connection = await instance.connect();
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
 * single-threaded. Resolves when every row was handed over; rejects with
 * DuckDB's error otherwise.
 */
export function sinkQuery(columns: readonly string[], from: string, onChunk: ChunkHandler): Promise<void> {
  return exclusive(async (state) => {
    state.handler = onChunk;
    try {
      await state.connection.run(`SELECT count(mlship_sink(${columns.join(', ')})) FROM ${from}`);
    } finally {
      state.handler = undefined;
    }
  });
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL identifier. */
export function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
