// Adaptive micro-batching, as Triton's dynamic batcher does it: requests for
// one model version that arrive while its previous run is in progress wait,
// and the next run takes everything waiting (up to a row budget) as one
// tensor, then splits the outputs back per request. ONNX Runtime's Node
// binding runs a session on the event loop, so concurrent requests gain no
// parallelism from separate runs; one run for many requests pays the binding's
// per-run cost (tensors in and out, the native call) once. A request's answer
// is what it would be alone: rows do not mix in a model that scores row by row.
import type { FeedData, FeedTensor, OutputTensor } from '@mlship/onnx';
import type { ServedModel } from './served-model.ts';

export interface BatchingOptions {
  /** The most rows one run takes; 1 turns batching off (one run per request). */
  maxBatchRows: number;
  /**
   * How long the first request of an idle model waits for others to join its
   * run; 0 (the default): none beyond the requests that arrived together, so
   * a lone request's latency does not rise.
   */
  maxQueueDelayMs: number;
}

export const DEFAULT_BATCHING: BatchingOptions = { maxBatchRows: 64, maxQueueDelayMs: 0 };

type Outputs = Record<string, OutputTensor>;
type RunFeeds = (feeds: Record<string, FeedTensor>) => Promise<Outputs>;

interface Waiting {
  feeds: Record<string, FeedTensor>;
  rows: number;
  resolve: (outputs: Outputs) => void;
  reject: (error: unknown) => void;
}

export class DynamicBatcher {
  private readonly runFeeds: RunFeeds;
  private readonly options: BatchingOptions;
  /** The model's input names: every request's feeds have exactly these (the codec checks). */
  private readonly inputNames: string[];
  /**
   * Whether requests can share a run: every input and output has a free first
   * (batch) dimension, and no run has shown an output that does not keep one
   * row per input row.
   */
  batchable: boolean;
  private queue: Waiting[] = [];
  private queuedRows = 0;
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  /** Runs of the session so far, and the requests they answered (runs ≤ requests when batching). */
  runs = 0;
  requests = 0;

  constructor(model: Pick<ServedModel, 'inputs' | 'outputs'>, runFeeds: RunFeeds, options: BatchingOptions) {
    this.runFeeds = runFeeds;
    this.options = options;
    this.inputNames = model.inputs.map((i) => i.name);
    this.batchable =
      options.maxBatchRows > 1 &&
      model.inputs.every((i) => i.shape.length >= 1 && i.shape[0] === null) &&
      model.outputs.every((o) => o.shape.length >= 1 && o.shape[0] === null);
  }

  /** The model's outputs for these feeds (`rows` in their first dimension), run alone or with others. */
  run(feeds: Record<string, FeedTensor>, rows: number): Promise<Outputs> {
    this.requests++;
    if (!this.batchable || rows === 0) {
      this.runs++;
      return this.runFeeds(feeds);
    }
    return new Promise<Outputs>((resolve, reject) => {
      this.queue.push({ feeds, rows, resolve, reject });
      this.queuedRows += rows;
      // While a run is in progress, the drain loop takes what waits when it ends.
      if (this.draining) return;
      if (this.options.maxQueueDelayMs > 0 && this.queuedRows < this.options.maxBatchRows)
        this.timer ??= setTimeout(() => this.startDrain(), this.options.maxQueueDelayMs);
      else this.startDrain();
    });
  }

  private startDrain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.draining) return;
    this.draining = true;
    // Deferred to the next turn of the event loop: the requests read in this turn join the first run.
    setImmediate(() => void this.drain());
  }

  /** Runs batches until nobody waits; what arrives during a run waits for the next one. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.runBatch(this.takeBatch());
    } finally {
      this.draining = false;
    }
  }

  /** The longest prefix of the queue within the row budget whose inputs agree past the batch dimension. */
  private takeBatch(): Waiting[] {
    const first = this.queue[0]!;
    let rows = first.rows;
    let n = 1;
    while (n < this.queue.length) {
      const next = this.queue[n]!;
      if (rows + next.rows > this.options.maxBatchRows || !sameRowShape(this.inputNames, first.feeds, next.feeds))
        break;
      rows += next.rows;
      n++;
    }
    this.queuedRows -= rows;
    return this.queue.splice(0, n);
  }

  private async runBatch(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return this.runAlone(batch[0]!);
    let totalRows = 0;
    for (const w of batch) totalRows += w.rows;
    let outputs: Outputs;
    try {
      this.runs++;
      outputs = await this.runFeeds(concatFeeds(this.inputNames, batch, totalRows));
    } catch {
      // One request's rows may be what the model refuses: each runs alone, so only it fails.
      for (const w of batch) await this.runAlone(w);
      return;
    }
    const split = splitOutputs(outputs, batch, totalRows);
    if (!split) {
      // An output that does not keep one row per input row cannot be cut per request.
      this.batchable = false;
      for (const w of batch) await this.runAlone(w);
      return;
    }
    batch.forEach((w, k) => w.resolve(split[k]!));
  }

  private async runAlone(w: Waiting): Promise<void> {
    this.runs++;
    try {
      if (w.rows !== 1 || !this.batchable) return w.resolve(await this.runFeeds(w.feeds));
      // ONNX Runtime computes a one-row run on another kernel than a batch (MLAS's GEMV
      // against its GEMM), which rounds differently in the last bits; a lone row runs twice
      // over, so a request's answer is the same whether or not it shared a run.
      const pair = [w, w];
      const split = splitOutputs(await this.runFeeds(concatFeeds(this.inputNames, pair, 2)), pair, 2);
      if (split) return w.resolve(split[0]!);
      this.batchable = false;
      w.resolve(await this.runFeeds(w.feeds));
    } catch (error) {
      w.reject(error);
    }
  }
}

function sameRowShape(names: string[], a: Record<string, FeedTensor>, b: Record<string, FeedTensor>): boolean {
  for (let n = 0; n < names.length; n++) {
    const da = a[names[n]!]!.dims;
    const db = b[names[n]!]!.dims;
    if (da.length !== db.length) return false;
    for (let k = 1; k < da.length; k++) if (da[k] !== db[k]) return false;
  }
  return true;
}

function concatFeeds(names: string[], batch: Waiting[], totalRows: number): Record<string, FeedTensor> {
  const feeds: Record<string, FeedTensor> = {};
  for (const name of names) {
    const parts = batch.map((w) => w.feeds[name]!.data);
    feeds[name] = { data: concatData(parts), dims: [totalRows, ...batch[0]!.feeds[name]!.dims.slice(1)] };
  }
  return feeds;
}

function concatData(parts: FeedData[]): FeedData {
  const first = parts[0]!;
  if (Array.isArray(first)) return ([] as string[]).concat(...(parts as string[][]));
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new (first.constructor as new (n: number) => Exclude<FeedData, string[]>)(length);
  let offset = 0;
  for (const p of parts as Exclude<FeedData, string[]>[]) {
    (out as Float64Array).set(p as Float64Array, offset);
    offset += p.length;
  }
  return out;
}

/** Each request's rows of every output, or undefined when an output's first dimension is not the batch's rows. */
function splitOutputs(outputs: Outputs, batch: Waiting[], totalRows: number): Outputs[] | undefined {
  const split: Outputs[] = new Array(batch.length);
  for (let k = 0; k < batch.length; k++) split[k] = {};
  for (const name in outputs) {
    const tensor = outputs[name]!;
    if (tensor.dims[0] !== totalRows || tensor.data.length % totalRows !== 0) return undefined;
    const width = tensor.data.length / totalRows;
    const rest = tensor.dims.slice(1);
    let row = 0;
    for (let k = 0; k < batch.length; k++) {
      const rows = batch[k]!.rows;
      const [from, to] = [row * width, (row + rows) * width];
      split[k]![name] = {
        data: Array.isArray(tensor.data) ? tensor.data.slice(from, to) : tensor.data.subarray(from, to),
        dims: [rows, ...rest],
      };
      row += rows;
    }
  }
  return split;
}
