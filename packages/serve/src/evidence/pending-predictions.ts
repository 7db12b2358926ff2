// What each recent request was answered, kept until its label arrives (the
// feedback call), bounded in count and age so memory stays flat under load.
// Up to 200,000 requests wait at once, so they are kept in typed arrays, a
// slot per request in a ring, rather than objects: the garbage collector has
// an id string and one small array per answer to trace, not an object per row
// and per probability map. An answer becomes predictions again only when its
// label arrives.
import type { Prediction } from '@mlship/deploy';
import type { OutputTensor } from '@mlship/onnx';
import type { ServedModel } from '../model/served-model.ts';

export type Arm = 'prod' | 'canary';

/** A request's place in the store; stale once its slot holds a newer request. */
export interface PendingRef {
  slot: number;
  generation: number;
}

export interface PendingPrediction {
  ref: PendingRef;
  atMs: number;
  rows: number;
  /** The routing in force when the request was scored. */
  prodVersion: string;
  canaryVersion: string | null;
  labelled: boolean;
  /** Settles when the shadow model has scored too (its answer is not waited for). */
  shadowDone: Promise<void> | undefined;
}

/** Distinct label strings remembered by index; labels past it are kept as strings with their request. */
const MAX_INTERNED_LABELS = 4096;
const ARM_INDEX = { prod: 0, canary: 1 } as const;

export class PendingPredictions {
  readonly maxEntries: number;
  readonly maxAgeMs: number;
  private readonly index = new Map<string, number>();
  private readonly ids: (string | undefined)[];
  private readonly generation: Uint32Array;
  private readonly atMs: Float64Array;
  private readonly rows: Uint32Array;
  /** Per slot, the prod and the canary version (indexes into `versions`; -1: no canary). */
  private readonly versionOf: Int32Array;
  private readonly labelled: Uint8Array;
  private readonly shadowDone: (Promise<void> | undefined)[];
  /** Per slot and arm: the packed answer, the model that gave it, and labels not interned. */
  private readonly packed: (Float64Array | undefined)[];
  private readonly modelOf: Int32Array;
  private readonly labelTexts: (string[] | undefined)[];
  private readonly versions = new Interned<string>();
  private readonly models = new Interned<ServedModel>();
  private readonly labels = new Interned<string>();
  private cursor = 0;

  constructor(options: { maxEntries: number; maxAgeMs: number }) {
    this.maxEntries = options.maxEntries;
    this.maxAgeMs = options.maxAgeMs;
    const n = options.maxEntries;
    this.ids = new Array(n);
    this.generation = new Uint32Array(n);
    this.atMs = new Float64Array(n);
    this.rows = new Uint32Array(n);
    this.versionOf = new Int32Array(2 * n);
    this.labelled = new Uint8Array(n);
    this.shadowDone = new Array(n);
    this.packed = new Array(2 * n);
    this.modelOf = new Int32Array(2 * n);
    this.labelTexts = new Array(2 * n);
  }

  /** A request scored at `atMs`; a reused id replaces the older request, the oldest goes past maxEntries. */
  add(
    id: string,
    request: { atMs: number; rows: number; prodVersion: string; canaryVersion: string | null },
  ): PendingRef {
    const previous = this.index.get(id);
    if (previous !== undefined) this.clear(previous);
    const slot = this.cursor;
    this.cursor = (this.cursor + 1) % this.maxEntries;
    const evicted = this.ids[slot];
    if (evicted !== undefined) {
      this.index.delete(evicted);
      this.clear(slot);
    }
    this.ids[slot] = id;
    this.index.set(id, slot);
    const generation = this.generation[slot]! + 1;
    this.generation[slot] = generation;
    this.atMs[slot] = request.atMs;
    this.rows[slot] = request.rows;
    this.versionOf[2 * slot] = this.versions.of(request.prodVersion);
    this.versionOf[2 * slot + 1] = request.canaryVersion === null ? -1 : this.versions.of(request.canaryVersion);
    return { slot, generation };
  }

  private clear(slot: number): void {
    this.ids[slot] = undefined;
    this.generation[slot] = this.generation[slot]! + 1;
    this.labelled[slot] = 0;
    this.shadowDone[slot] = undefined;
    for (const k of [2 * slot, 2 * slot + 1]) {
      this.packed[k] = undefined;
      this.labelTexts[k] = undefined;
    }
  }

  private live(ref: PendingRef): boolean {
    return this.generation[ref.slot] === ref.generation;
  }

  /** What `model` answered the request on `arm` (ignored when the request has left the store). */
  answer(ref: PendingRef, arm: Arm, model: ServedModel, outputs: Record<string, OutputTensor>): void {
    if (!this.live(ref)) return;
    const k = 2 * ref.slot + ARM_INDEX[arm];
    const rows = this.rows[ref.slot]!;
    const roles = model.roles;
    this.modelOf[k] = this.models.of(model);
    if (roles.task === 'regression') {
      const t = outputs[roles.value]!;
      const width = t.data.length / Math.max(1, rows);
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) values[i] = Number(t.data[i * width]);
      this.packed[k] = values;
      return;
    }
    // Per row: the label's index (NaN: the top class; -1: kept as text), then the probabilities.
    const probs = roles.probabilities ? outputs[roles.probabilities] : undefined;
    const width = probs ? (probs.dims[probs.dims.length - 1] ?? 0) : 0;
    const labels = roles.label ? outputs[roles.label]!.data : undefined;
    const values = new Float64Array(rows * (1 + width));
    let texts: string[] | undefined;
    for (let i = 0; i < rows; i++) {
      const at = i * (1 + width);
      if (labels) {
        const label = String(labels[i]);
        const code = this.labels.of(label, MAX_INTERNED_LABELS);
        if (code === -1) (texts ??= new Array(rows))[i] = label;
        values[at] = code;
      } else values[at] = Number.NaN;
      for (let j = 0; j < width; j++) values[at + 1 + j] = Number(probs!.data[i * width + j]);
    }
    this.packed[k] = values;
    this.labelTexts[k] = texts;
  }

  /** The shadow model's run, for a label to wait on. */
  waitFor(ref: PendingRef, done: Promise<void>): void {
    if (this.live(ref)) this.shadowDone[ref.slot] = done;
  }

  /** The request, unless unknown, evicted or older than the label window. */
  get(id: string, nowMs: number): PendingPrediction | undefined {
    const slot = this.index.get(id);
    if (slot === undefined) return undefined;
    if (nowMs - this.atMs[slot]! > this.maxAgeMs) {
      this.index.delete(id);
      this.clear(slot);
      return undefined;
    }
    const canary = this.versionOf[2 * slot + 1]!;
    return {
      ref: { slot, generation: this.generation[slot]! },
      atMs: this.atMs[slot]!,
      rows: this.rows[slot]!,
      prodVersion: this.versions.at(this.versionOf[2 * slot]!),
      canaryVersion: canary === -1 ? null : this.versions.at(canary),
      labelled: this.labelled[slot] === 1,
      shadowDone: this.shadowDone[slot],
    };
  }

  markLabelled(ref: PendingRef): void {
    if (this.live(ref)) this.labelled[ref.slot] = 1;
  }

  /** Per row, what the version on `arm` answered, as the judge reads it; undefined when it did not score the request. */
  predictions(ref: PendingRef, arm: Arm): Prediction[] | undefined {
    if (!this.live(ref)) return undefined;
    const k = 2 * ref.slot + ARM_INDEX[arm];
    const values = this.packed[k];
    if (!values) return undefined;
    const rows = this.rows[ref.slot]!;
    const roles = this.models.at(this.modelOf[k]!).roles;
    const predictions: Prediction[] = new Array(rows);
    if (roles.task === 'regression') {
      for (let i = 0; i < rows; i++) predictions[i] = { kind: 'value', value: values[i]! };
      return predictions;
    }
    const width = rows === 0 ? 0 : values.length / rows - 1;
    const hasProbabilities = roles.probabilities !== undefined;
    const classes =
      roles.classes?.length === width ? roles.classes : Array.from({ length: width }, (_, j) => String(j));
    const texts = this.labelTexts[k];
    for (let i = 0; i < rows; i++) {
      const at = i * (1 + width);
      let probabilities: Record<string, number> | undefined;
      let top = 0;
      if (hasProbabilities) {
        probabilities = {};
        for (let j = 0; j < width; j++) {
          probabilities[classes[j]!] = values[at + 1 + j]!;
          if (values[at + 1 + j]! > values[at + 1 + top]!) top = j;
        }
      }
      const code = values[at]!;
      const label = Number.isNaN(code) ? classes[top]! : code === -1 ? texts![i]! : this.labels.at(code);
      predictions[i] = probabilities ? { kind: 'class', label, probabilities } : { kind: 'class', label };
    }
    return predictions;
  }

  get size(): number {
    return this.index.size;
  }
}

/** Values numbered in the order first seen. */
class Interned<T> {
  private readonly values: T[] = [];
  private readonly numbers = new Map<T, number>();

  /** The value's number, or -1 when `limit` values are numbered already and this one is new. */
  of(value: T, limit = Number.POSITIVE_INFINITY): number {
    let n = this.numbers.get(value);
    if (n === undefined) {
      if (this.values.length >= limit) return -1;
      n = this.values.push(value) - 1;
      this.numbers.set(value, n);
    }
    return n;
  }

  at(n: number): T {
    return this.values[n]!;
  }
}
