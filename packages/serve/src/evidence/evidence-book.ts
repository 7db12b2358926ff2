// The server's running tallies of what each version scored, in one-minute
// buckets: counts, errors and latencies per version, and per (prod, canary)
// pair the shadow comparisons and the labelled sums the judge reads. Every
// tally adds, so the evidence for any window is the sum of its minutes.
import { emptyLabelledSums, foldLabelledRequest, mergeMoments, type LabelledSums } from '@mlship/deploy';
import type { Prediction, Truth } from '@mlship/deploy';
import { PER_REQUEST_METRICS } from '@mlship/eval';
import { emptyCounts, latencyBucket } from './latency-histogram.ts';

export const BUCKET_MS = 60_000;

export interface ArmTally {
  /** Rows this version scored, served or in shadow. */
  scored: number;
  /** Rows whose answer came from this version. */
  served: number;
  /** Rows of requests that failed on this version. */
  errors: number;
  /** Counts per latency bucket, one observation per request. */
  latency: number[];
}

export interface PairTally {
  compared: number;
  disagreed: number;
  labels: LabelledSums;
}

interface Bucket {
  startMs: number;
  arms: Map<string, ArmTally>;
  pairs: Map<string, PairTally>;
}

const emptyArm = (): ArmTally => ({ scored: 0, served: 0, errors: 0, latency: emptyCounts() });
const emptyPair = (): PairTally => ({ compared: 0, disagreed: 0, labels: emptyLabelledSums() });
const pairKey = (prod: string, canary: string | null) => `${prod}\u0000${canary ?? ''}`;

export class EvidenceBook {
  private readonly buckets = new Map<number, Bucket>();
  private readonly retentionMs: number;

  constructor(options: { retentionHours: number }) {
    this.retentionMs = options.retentionHours * 3_600_000;
  }

  private bucket(atMs: number): Bucket {
    const startMs = Math.floor(atMs / BUCKET_MS) * BUCKET_MS;
    let b = this.buckets.get(startMs);
    if (!b) {
      b = { startMs, arms: new Map(), pairs: new Map() };
      this.buckets.set(startMs, b);
      this.prune(startMs);
    }
    return b;
  }

  private prune(nowMs: number): void {
    for (const start of this.buckets.keys()) if (start < nowMs - this.retentionMs) this.buckets.delete(start);
  }

  /** One request scored by a version: its rows, whether its answer was served, whether it failed, how long it took. */
  recordScore(atMs: number, version: string, r: { rows: number; served: boolean; error: boolean; latencyMs: number }) {
    const arms = this.bucket(atMs).arms;
    let arm = arms.get(version);
    if (!arm) arms.set(version, (arm = emptyArm()));
    arm.scored += r.rows;
    if (r.served) arm.served += r.rows;
    if (r.error) arm.errors += r.rows;
    arm.latency[latencyBucket(r.latencyMs)]!++;
  }

  private pair(atMs: number, prod: string, canary: string | null): PairTally {
    const pairs = this.bucket(atMs).pairs;
    const key = pairKey(prod, canary);
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = emptyPair()));
    return p;
  }

  /** Rows both versions scored (shadow), and how many they answered differently. */
  recordComparison(atMs: number, prod: string, canary: string, compared: number, disagreed: number): void {
    const p = this.pair(atMs, prod, canary);
    p.compared += compared;
    p.disagreed += disagreed;
  }

  /** A label for a row scored at `atMs` under the routing (prod, canary), with what each version answered. */
  recordLabel(
    atMs: number,
    prod: string,
    canary: string | null,
    truth: Truth,
    scored: { prod?: Prediction | undefined; canary?: Prediction | undefined },
  ): void {
    const p = this.pair(atMs, prod, canary);
    p.labels = foldLabelledRequest(p.labels, PER_REQUEST_METRICS, truth, scored);
  }

  /** The sums over [sinceMs, untilMs] for a pair of versions; the minute holding sinceMs counts whole. */
  tally(
    sinceMs: number,
    untilMs: number,
    prod: string,
    canary: string,
  ): { prod: ArmTally; canary: ArmTally; pair: PairTally } {
    const total = { prod: emptyArm(), canary: emptyArm(), pair: emptyPair() };
    const first = Math.floor(sinceMs / BUCKET_MS) * BUCKET_MS;
    for (const b of this.buckets.values()) {
      if (b.startMs < first || b.startMs > untilMs) continue;
      addArm(total.prod, b.arms.get(prod));
      addArm(total.canary, b.arms.get(canary));
      const p = b.pairs.get(pairKey(prod, canary));
      if (p) {
        total.pair.compared += p.compared;
        total.pair.disagreed += p.disagreed;
        total.pair.labels = mergeLabelledSums(total.pair.labels, p.labels);
      }
    }
    return total;
  }
}

function addArm(into: ArmTally, from: ArmTally | undefined): void {
  if (!from) return;
  into.scored += from.scored;
  into.served += from.served;
  into.errors += from.errors;
  for (let i = 0; i < into.latency.length; i++) into.latency[i]! += from.latency[i]!;
}

function mergeRecord<T>(a: Partial<Record<string, T>>, b: Partial<Record<string, T>>, merge: (x: T, y: T) => T) {
  const out: Partial<Record<string, T>> = { ...a };
  for (const [k, v] of Object.entries(b)) if (v !== undefined) out[k] = out[k] === undefined ? v : merge(out[k]!, v);
  return out;
}

export function mergeLabelledSums(a: LabelledSums, b: LabelledSums): LabelledSums {
  return {
    received: a.received + b.received,
    paired: mergeRecord(a.paired, b.paired, (x, y) => ({
      prod: mergeMoments(x.prod, y.prod),
      canary: mergeMoments(x.canary, y.canary),
      difference: mergeMoments(x.difference, y.difference),
    })),
    canary: mergeRecord(a.canary, b.canary, mergeMoments),
    prod: mergeRecord(a.prod, b.prod, mergeMoments),
  };
}
