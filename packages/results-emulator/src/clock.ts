// The service's own time: signed URLs, runtime tokens, artifact retention and
// cache eviction all read it, so a test can move days forward without waiting.

export class Clock {
  #offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`the clock only moves forward (got ${ms} ms)`);
    this.#offsetMs += ms;
  }
}
