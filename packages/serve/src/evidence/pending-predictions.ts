// What each recent request was answered, kept until its label arrives (the
// feedback call), bounded in count and age so memory stays flat under load.
import type { OutputTensor } from '@mlship/onnx';
import type { ServedModel } from '../model/served-model.ts';

/**
 * What a version answered a request: its output tensors (typed arrays, or
 * views into its run's), read as predictions only when a label arrives, so
 * the answers waiting for labels are a few arrays each, not an object per row.
 */
export interface Answer {
  model: ServedModel;
  outputs: Record<string, OutputTensor>;
}

export interface PendingPrediction {
  atMs: number;
  rows: number;
  /** The routing in force when the request was scored. */
  prodVersion: string;
  canaryVersion: string | null;
  /** What each version answered (absent when it did not score the request). */
  prod?: Answer | undefined;
  canary?: Answer | undefined;
  /** Settles when the shadow model has scored too (its answer is not waited for). */
  shadowDone?: Promise<void> | undefined;
  labelled: boolean;
}

export class PendingPredictions {
  private readonly entries = new Map<string, PendingPrediction>();
  readonly maxEntries: number;
  readonly maxAgeMs: number;

  constructor(options: { maxEntries: number; maxAgeMs: number }) {
    this.maxEntries = options.maxEntries;
    this.maxAgeMs = options.maxAgeMs;
  }

  add(id: string, pending: PendingPrediction): void {
    // A reused id replaces the older request (and moves to the young end).
    this.entries.delete(id);
    this.entries.set(id, pending);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value!;
      this.entries.delete(oldest);
    }
  }

  /** The request, unless unknown, evicted or older than the label window. */
  get(id: string, nowMs: number): PendingPrediction | undefined {
    const p = this.entries.get(id);
    if (!p) return undefined;
    if (nowMs - p.atMs > this.maxAgeMs) {
      this.entries.delete(id);
      return undefined;
    }
    return p;
  }

  get size(): number {
    return this.entries.size;
  }
}
