// Mergeable Misra-Gries frequent items (Agarwal et al. 2012): exact counts
// while the number of distinct values stays within capacity; beyond that each
// count is low by at most `errorBound`.
import { z } from 'zod';

export const FrequentItemsStateSchema = z.object({
  capacity: z.number().int().min(1),
  /** True while no count was ever reduced: the counts are exact and complete. */
  exact: z.boolean(),
  errorBound: z.number().min(0),
  /** [value, count], most frequent first. */
  items: z.array(z.tuple([z.string(), z.number().min(0)])),
});
export type FrequentItemsState = z.infer<typeof FrequentItemsStateSchema>;

export class FrequentItems {
  readonly capacity: number;
  private counts = new Map<string, number>();
  private errorBound = 0;
  private exact = true;

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  static fromState(state: FrequentItemsState): FrequentItems {
    const f = new FrequentItems(state.capacity);
    f.counts = new Map(state.items);
    f.errorBound = state.errorBound;
    f.exact = state.exact;
    return f;
  }

  toState(): FrequentItemsState {
    this.prune();
    const items = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return { capacity: this.capacity, exact: this.exact, errorBound: this.errorBound, items };
  }

  add(value: string, count: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + count);
    // Pruning at twice the capacity keeps the amortised cost per add constant.
    if (this.counts.size > 2 * this.capacity) this.prune();
  }

  merge(other: FrequentItems): void {
    for (const [v, c] of other.counts) this.counts.set(v, (this.counts.get(v) ?? 0) + c);
    this.errorBound += other.errorBound;
    this.exact &&= other.exact;
    this.prune();
  }

  /** Counts (exact when `exact`), most frequent first. */
  entries(): [string, number][] {
    return this.toState().items;
  }

  private prune(): void {
    if (this.counts.size <= this.capacity) return;
    const sorted = [...this.counts.values()].sort((a, b) => b - a);
    const cut = sorted[this.capacity]!;
    for (const [v, c] of this.counts) {
      if (c <= cut) this.counts.delete(v);
      else this.counts.set(v, c - cut);
    }
    this.errorBound += cut;
    this.exact = false;
  }
}
