// Database ids in github.com's ranges. An artifact id from FinalizeArtifact is
// the same id the REST API's /actions/artifacts/{artifact_id} takes; github.com
// handed out ids past 2^31 in 2024 (e.g. 2,398,110,574), so the first id here is
// past 2^32 and a client that keeps it in a 32-bit integer fails as it would on
// GitHub. Consecutive ids are 2 to 997 apart (other repositories take the numbers
// between), deterministically, so nothing can assume id + 1.
import { createHash } from 'node:crypto';

export type ResultsIdKind = 'artifact' | 'cacheEntry';

export const FIRST_RESULTS_IDS: Readonly<Record<ResultsIdKind, bigint>> = {
  artifact: 4_372_905_118n,
  cacheEntry: 9_028_463_751n,
};

export class ResultsIdSequences {
  readonly #issued = new Map<ResultsIdKind, { count: number; last: bigint }>();

  /** The next id of a kind, as the decimal string protobuf's JSON form gives an int64. */
  next(kind: ResultsIdKind): string {
    const previous = this.#issued.get(kind);
    const count = (previous?.count ?? 0) + 1;
    const id = previous ? previous.last + 2n + BigInt(gapOf(kind, count)) : FIRST_RESULTS_IDS[kind];
    this.#issued.set(kind, { count, last: id });
    return id.toString();
  }
}

/** 0..995, the same for the same kind and position in every run. */
function gapOf(kind: ResultsIdKind, position: number): number {
  return createHash('sha256').update(`${kind}:${position}`).digest().readUInt32BE(0) % 996;
}
