// The metrics a training command reports as JSON Lines, one
// `{"step": 120, "name": "loss", "value": 0.31}` per line, on a file or a file
// descriptor. A line that is not such an object is skipped and counted, never
// fatal: a stray print must not stop a four-hour run. Memory is bounded
// whatever the run emits: each series is thinned to every other point when it
// grows past its cap, keeping its first and last points (enough for a chart),
// and the number of series is capped.
import { z } from 'zod';

export const MetricPointSchema = z.object({
  step: z.number().int().nonnegative(),
  name: z.string().min(1).max(200),
  value: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPointSchema>;

export interface SkippedLine {
  /** 1-based, counted over every line received. */
  line: number;
  text: string;
  reason: string;
}

const MAX_POINTS_PER_SERIES = 2048;
const MAX_SERIES = 200;
const KEPT_EXAMPLES = 3;
const EXAMPLE_CHARS = 120;

export interface SeriesPoint {
  step: number;
  value: number;
}

export class MetricsLog {
  readonly #series = new Map<string, SeriesPoint[]>();
  readonly #last = new Map<string, SeriesPoint>();
  #lines = 0;
  #accepted = 0;
  #skipped = 0;
  readonly #examples: SkippedLine[] = [];

  /** Reads one line of JSON Lines; a blank line is ignored. */
  addLine(text: string): void {
    if (text.trim() === '') return;
    this.#lines++;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.#skip(text, 'not JSON');
    }
    const parsed = MetricPointSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length ? `"${issue.path.join('.')}": ` : '';
      return this.#skip(text, `${where}${issue.message}`);
    }
    this.add(parsed.data);
  }

  add(point: MetricPoint): void {
    let series = this.#series.get(point.name);
    if (!series) {
      if (this.#series.size >= MAX_SERIES)
        return this.#skip(JSON.stringify(point), `more than ${MAX_SERIES} metric names`);
      series = [];
      this.#series.set(point.name, series);
    }
    this.#accepted++;
    const entry = { step: point.step, value: point.value };
    series.push(entry);
    this.#last.set(point.name, entry);
    if (series.length > MAX_POINTS_PER_SERIES) {
      const last = series[series.length - 1]!;
      const thinned = series.filter((_, i) => i % 2 === 0);
      if (thinned[thinned.length - 1] !== last) thinned.push(last);
      this.#series.set(point.name, thinned);
    }
  }

  #skip(text: string, reason: string): void {
    this.#skipped++;
    if (this.#examples.length < KEPT_EXAMPLES) {
      const shown = text.length > EXAMPLE_CHARS ? `${text.slice(0, EXAMPLE_CHARS)}…` : text;
      this.#examples.push({ line: this.#lines, text: shown, reason });
    }
  }

  get accepted(): number {
    return this.#accepted;
  }

  get skipped(): number {
    return this.#skipped;
  }

  /** The first few skipped lines, to show what was wrong. */
  get skippedExamples(): readonly SkippedLine[] {
    return this.#examples;
  }

  names(): string[] {
    return [...this.#series.keys()];
  }

  series(name: string): readonly SeriesPoint[] {
    return this.#series.get(name) ?? [];
  }

  /** The last value of each metric, in the order the metrics first appeared. */
  latest(): Record<string, SeriesPoint> {
    return Object.fromEntries(this.#last);
  }

  /** The highest step any metric reached. */
  lastStep(): number | undefined {
    let step: number | undefined;
    for (const point of this.#last.values()) step = Math.max(step ?? 0, point.step);
    return step;
  }
}

/** Splits a byte stream into lines; the last, unterminated line comes out at the end. */
export class LineSplitter {
  #pending = '';
  readonly #decoder = new TextDecoder();

  feed(chunk: Uint8Array | string): string[] {
    this.#pending += typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    const lines = this.#pending.split('\n');
    this.#pending = lines.pop() ?? '';
    return lines.map((line) => line.replace(/\r$/, ''));
  }

  end(): string[] {
    this.#pending += this.#decoder.decode();
    const rest = this.#pending;
    this.#pending = '';
    return rest === '' ? [] : [rest.replace(/\r$/, '')];
  }
}
