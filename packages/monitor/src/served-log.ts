// The reference server's prediction log (`mlship serve --data-dir DIR`) as a
// monitoring window: the rows one version answered (shadow answers left out)
// within a time window, each with its inputs by feature, its probabilities
// and decision, and its label where one arrived (label lines join by request
// id), written as JSON Lines that the monitor reads like any other export.
// The log nests tensors and answers per request; flattening them here keeps
// one reader (the data engine) for every window.
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FileFormatError, InputError } from '@mlship/errors';
import { probabilityColumns, type MonitorPolicy } from './monitor-policy.ts';

/** The log's folder under the server's data directory, and its live file. */
const LOG_DIR = 'predictions';
const LIVE_FILE = 'predictions.jsonl';
/** Rotated files: predictions.1.jsonl is the newest. */
const ROTATED = /^predictions\.(\d+)\.jsonl$/;

export interface ServedLogWindow {
  /** The server's data directory (or its predictions/ folder). */
  dir: string;
  model: string;
  /** The version whose answers make the window (prod's). */
  version: string;
  since: Date;
  until: Date;
  /** Each input tensor's feature columns in order (the model's recorded feature names). */
  inputColumns: ReadonlyMap<string, readonly string[]>;
  policy: MonitorPolicy;
  /** The JSON Lines file to write. */
  out: string;
}

/** The log folder when `path` is a server's data directory or its log folder, else null. */
export async function servedLogDir(path: string): Promise<string | null> {
  for (const dir of [join(path, LOG_DIR), path]) {
    const info = await stat(join(dir, LIVE_FILE)).catch(() => undefined);
    if (info?.isFile()) return dir;
  }
  return null;
}

type Truth = string | number;
interface LoggedTensor {
  name: string;
  shape: number[];
  data: unknown[];
}
interface LoggedPrediction {
  kind: 'prediction';
  ts: string;
  id: string;
  model: string;
  version: string;
  served: boolean;
  rows: number;
  inputs?: LoggedTensor[];
  inputsSha256?: string;
  outputs?: { kind: string; label?: string; probabilities?: Record<string, number> }[];
}

/** Writes the window's rows; returns how many, and how many carry a label. */
export async function writeServedWindow(request: ServedLogWindow): Promise<{ rows: number; labelled: number }> {
  const dir = (await servedLogDir(request.dir)) ?? request.dir;
  const files = await logFiles(dir);
  // Labels come after their predictions, possibly in a later file: read them first.
  const labels = new Map<string, Truth | Truth[]>();
  for (const file of files)
    await eachRecord(file, (record) => {
      if (record['kind'] === 'label' && typeof record['id'] === 'string')
        labels.set(record['id'], record['label'] as Truth | Truth[]);
    });
  const { policy } = request;
  const probabilityNames = new Map(policy.classes.map((c, i) => [c, probabilityColumns(policy)[i]!]));
  const decision = policy.prediction ?? 'prediction';
  const from = request.since.getTime();
  const to = request.until.getTime();
  const out = createWriteStream(request.out);
  let rows = 0;
  let labelled = 0;
  try {
    for (const file of files)
      await eachRecord(file, (record, line) => {
        if (record['kind'] !== 'prediction') return;
        const p = record as unknown as LoggedPrediction;
        if (!p.served || p.model !== request.model || p.version !== request.version || !p.outputs) return;
        const at = Date.parse(p.ts);
        if (!(at >= from && at <= to)) return;
        if (!p.inputs)
          throw new FileFormatError(
            `${file}:${line}: the server logged a digest of the inputs, not the inputs; monitoring compares the inputs with the training data: run mlship serve with --log-inputs full`,
            { location: { file, line } },
          );
        const features = featureRows(p, request.inputColumns, `${file}:${line}`);
        const truth = labels.get(p.id);
        p.outputs.forEach((answer, i) => {
          const row: Record<string, unknown> = { ...features[i] };
          for (const [c, name] of probabilityNames) row[name] = answer.probabilities?.[c] ?? null;
          row[decision] = answer.label ?? null;
          const label = Array.isArray(truth) ? truth[i] : truth;
          row[policy.label] = label === undefined ? null : String(label);
          if (label !== undefined) labelled++;
          out.write(`${JSON.stringify(row)}\n`);
          rows++;
        });
      });
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  return { rows, labelled };
}

/** The live file and the rotated ones, oldest first. */
async function logFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => {
    throw new InputError(`'${dir}' is not a directory; give the data directory mlship serve writes (--data-dir)`);
  });
  const rotated = names
    .flatMap((n) => {
      const m = ROTATED.exec(n);
      return m ? [{ n, k: Number(m[1]) }] : [];
    })
    .sort((a, b) => b.k - a.k)
    .map((r) => join(dir, r.n));
  return [...rotated, ...(names.includes(LIVE_FILE) ? [join(dir, LIVE_FILE)] : [])];
}

async function eachRecord(file: string, onRecord: (record: Record<string, unknown>, line: number) => void) {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  let damaged = 0;
  const refuse = (at: number) =>
    new FileFormatError(
      `${file}:${at}: not a JSON record; give the prediction log mlship serve writes (${LIVE_FILE})`,
      { location: { file, line: at } },
    );
  for await (const text of lines) {
    line++;
    if (damaged) throw refuse(damaged);
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      damaged = line;
      continue;
    }
    if (record !== null && typeof record === 'object') onRecord(record as Record<string, unknown>, line);
  }
  // The live file's last line may be cut by a write in progress; anywhere else a bad line is damage.
  if (damaged && !file.endsWith(`/${LIVE_FILE}`)) throw refuse(damaged);
}

/** Each row's inputs by feature column: an [N, F] tensor gives F columns, an [N] or [N, 1] one its own name. */
function featureRows(
  p: LoggedPrediction,
  inputColumns: ReadonlyMap<string, readonly string[]>,
  where: string,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = Array.from({ length: p.rows }, () => ({}));
  for (const tensor of p.inputs!) {
    const data = (tensor.data as unknown[]).flat(Infinity);
    const width = p.rows > 0 ? data.length / p.rows : 0;
    if (!Number.isInteger(width))
      throw new FileFormatError(`${where}: input '${tensor.name}' holds ${data.length} values for ${p.rows} rows`, {});
    const named = inputColumns.get(tensor.name);
    const columns =
      width === 1
        ? [tensor.name]
        : named?.length === width
          ? named
          : Array.from({ length: width }, (_, j) => `${tensor.name}[${j}]`);
    for (let i = 0; i < p.rows; i++) for (let j = 0; j < width; j++) rows[i]![columns[j]!] = data[i * width + j];
  }
  return rows;
}
