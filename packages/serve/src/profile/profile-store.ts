// Inputs and outputs of every version, folded per hour into the data tests'
// profile (the same mergeable format `mlship data` writes): the rows of the
// current hour go to a JSON Lines file per version, which the data package
// profiles; when the hour is over its profile is kept and its rows deleted.
// A window's profile is the merge of its hours.
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mergeProfiles, parseProfile, profileData, type Profile } from '@mlship/data';
import { LineBuffer } from '../log/line-buffer.ts';

export type ProfileKind = 'inputs' | 'outputs';

const HOUR_MS = 3_600_000;
/**
 * Buffered rows are written at least this often, and whenever a profile is
 * read. Each write opens, appends to and closes a file per version and kind:
 * a fixed cost per second that a low request rate would feel per request.
 */
const FLUSH_MS = 1_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The profile of one file through the data package's engine, as `mlship data profile` makes it. */
async function profileFile(file: string): Promise<Profile> {
  return (await profileData(file)).profile;
}

const hourKey = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
const safe = (version: string) => version.replace(/[^A-Za-z0-9._-]/g, '_');

export class ProfileStore {
  private readonly dir: string;
  private readonly retentionHours: number;
  private readonly now: () => number;
  private buffers = new Map<string, LineBuffer>();
  private bufferedBytes = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  /** The current hour's profiles, kept while their file has not grown. */
  private readonly live = new Map<string, { size: number; profile: Profile }>();
  private currentHour: string;
  /** Directories made this hour (a finished hour's are removed with its rows). */
  private madeDirs = new Set<string>();

  constructor(options: { dir: string; retentionHours: number; now: () => number }) {
    this.dir = options.dir;
    this.retentionHours = options.retentionHours;
    this.now = options.now;
    this.currentHour = hourKey(this.now());
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  private file(hour: string, version: string, kind: ProfileKind, ext: 'jsonl' | 'profile.json'): string {
    return join(this.dir, hour, safe(version), `${kind}.${ext}`);
  }

  /** The row files of the hour last appended to, by version and kind: every request would otherwise build its path. */
  private appendHour = { index: Number.NaN, files: new Map<string, string>() };

  private rowsFile(atMs: number, version: string, kind: ProfileKind): string {
    const index = Math.floor(atMs / HOUR_MS);
    if (index !== this.appendHour.index) this.appendHour = { index, files: new Map() };
    const key = `${kind}\u0000${version}`;
    let file = this.appendHour.files.get(key);
    if (file === undefined) this.appendHour.files.set(key, (file = this.file(hourKey(atMs), version, kind, 'jsonl')));
    return file;
  }

  /** Rows a version scored at `atMs`, as JSON Lines (one object a row, no final newline); written in the background. */
  append(version: string, kind: ProfileKind, atMs: number, jsonl: string): void {
    if (jsonl === '') return;
    const file = this.rowsFile(atMs, version, kind);
    let lines = this.buffers.get(file);
    if (!lines) this.buffers.set(file, (lines = new LineBuffer()));
    const before = lines.size;
    lines.push(jsonl);
    this.bufferedBytes += lines.size - before;
    if (this.bufferedBytes > MAX_BUFFERED_BYTES) void this.flush();
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the buffered rows, then turns finished hours into profiles. */
  flush(): Promise<void> {
    return this.enqueue(async () => {
      const buffers = this.buffers;
      this.buffers = new Map();
      this.bufferedBytes = 0;
      for (const [file, lines] of buffers) {
        const dir = join(file, '..');
        if (!this.madeDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          this.madeDirs.add(dir);
        }
        await appendFile(file, lines.take());
      }
      const hour = hourKey(this.now());
      if (hour !== this.currentHour) {
        this.currentHour = hour;
        this.live.clear();
        this.madeDirs.clear();
        await this.compact(hour);
      }
    });
  }

  /** Every hour before `current` keeps its profiles and loses its rows; hours past retention go. */
  private async compact(current: string): Promise<void> {
    const oldest = hourKey(this.now() - this.retentionHours * HOUR_MS);
    for (const hour of await readdir(this.dir).catch(() => [] as string[])) {
      if (hour >= current) continue;
      if (hour < oldest) {
        await rm(join(this.dir, hour), { recursive: true, force: true });
        continue;
      }
      for (const version of await readdir(join(this.dir, hour))) {
        for (const kind of ['inputs', 'outputs'] as const) {
          const rows = join(this.dir, hour, version, `${kind}.jsonl`);
          if (!(await exists(rows))) continue;
          const profile = await profileFile(rows);
          await writeFile(join(this.dir, hour, version, `${kind}.profile.json`), JSON.stringify(profile));
          await rm(rows);
        }
      }
    }
  }

  /**
   * The profile of what a version scored in the hours that overlap
   * [sinceMs, untilMs], or undefined when it scored nothing there.
   */
  profile(version: string, kind: ProfileKind, sinceMs: number, untilMs: number): Promise<Profile | undefined> {
    return this.flush().then(() =>
      this.enqueue(async () => {
        const parts: Profile[] = [];
        const [first, last] = [hourKey(sinceMs), hourKey(untilMs)];
        const hours = (await readdir(this.dir).catch(() => [] as string[])).filter((h) => h >= first && h <= last);
        for (const hour of hours.sort()) {
          const saved = this.file(hour, version, kind, 'profile.json');
          if (await exists(saved)) {
            parts.push(parseProfile(await readFile(saved, 'utf8'), saved));
            continue;
          }
          const rows = this.file(hour, version, kind, 'jsonl');
          const size = await stat(rows).then(
            (s) => s.size,
            () => 0,
          );
          if (size === 0) continue;
          const cached = this.live.get(rows);
          if (cached?.size === size) {
            parts.push(cached.profile);
            continue;
          }
          const profile = await profileFile(rows);
          this.live.set(rows, { size, profile });
          parts.push(profile);
        }
        return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : mergeProfiles(parts);
      }),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
