// Benchmark: what the train step's checkpoints cost beside the raw
// @actions/cache client on the same bytes, through the results service
// emulator on loopback. "train" is the step's own path: the saver lists and
// fingerprints the directory, then the cache store saves it (its paths
// relative to the workspace, `*.tmp` left out, the client's warnings
// captured); a restore goes through the store with the step's restore keys.
// "raw" is `cache.saveCache` / `cache.restoreCache` on the same directory.
// Rounds alternate the two; medians are printed with the ratio.
// MLSHIP_BENCH_CKPT_MB sets the checkpoint size (default 128, in 4 files),
// MLSHIP_BENCH_ROUNDS the rounds (default 3).
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CacheCheckpointStore, CheckpointSaver } from '@mlship/train';
import { quietly, startBenchRunner } from './kit/results-runner.ts';

const SIZE_MB = Number(process.env.MLSHIP_BENCH_CKPT_MB ?? 128);
const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 3);
const MiB = 1024 * 1024;
const FILES = 4;

const { rs, workspace } = await startBenchRunner();
const cache = await import('@actions/cache');
process.chdir(workspace);
const dir = join(workspace, 'ckpt');
// Checkpoint-like bytes: random, so compression cannot shrink them.
const files = Array.from({ length: FILES }, (_, i) => ({
  name: `shard-${i}.pt`,
  bytes: Buffer.concat(Array.from({ length: SIZE_MB / FILES }, () => randomBytes(MiB))),
}));
const writeCheckpoint = () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const store = new CacheCheckpointStore();
const times: Record<'train save' | 'raw save' | 'train restore' | 'raw restore', number[]> = {
  'train save': [],
  'raw save': [],
  'train restore': [],
  'raw restore': [],
};
try {
  console.log(
    `checkpoint: ${SIZE_MB} MiB in ${FILES} files, ${ROUNDS} rounds; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    writeCheckpoint();
    const prefix = `mlship-checkpoint-bench-main-${round}-`;
    const saver = new CheckpointSaver({ store, dir, prefix, run: { id: 'bench', attempt: 1 }, quietMs: 0 });
    let saved: Awaited<ReturnType<CheckpointSaver['save']>>;
    times['train save'].push(await timed(async () => (saved = await quietly(() => saver.save('interval')))));
    if (!saved?.stored) throw new Error(`the train store did not save: ${saved?.message}`);
    times['raw save'].push(await timed(() => quietly(() => cache.saveCache(['ckpt'], `raw-${round}`))));

    rmSync(dir, { recursive: true, force: true });
    let restored: Awaited<ReturnType<CacheCheckpointStore['restore']>> | undefined;
    times['train restore'].push(
      await timed(async () => (restored = await quietly(() => store.restore(dir, [prefix])))),
    );
    if (restored?.kind !== 'hit') throw new Error(`the train store did not restore: ${JSON.stringify(restored)}`);
    rmSync(dir, { recursive: true, force: true });
    const hit = await (async () => {
      let key: string | undefined;
      times['raw restore'].push(
        await timed(async () => (key = await quietly(() => cache.restoreCache(['ckpt'], `raw-${round}`)))),
      );
      return key;
    })();
    if (hit !== `raw-${round}`) throw new Error('the raw client did not restore');
  }
  const rate = (ms: number) => `${((SIZE_MB / ms) * 1000).toFixed(0)} MiB/s`;
  for (const op of ['save', 'restore'] as const) {
    const ours = median(times[`train ${op}`]);
    const raw = median(times[`raw ${op}`]);
    console.log(
      `${op.padEnd(8)} train ${(ours / 1000).toFixed(2)} s (${rate(ours)}), raw @actions/cache ${(raw / 1000).toFixed(2)} s (${rate(raw)}); ratio ${(ours / raw).toFixed(3)}`,
    );
  }
} finally {
  await rs.stop();
  process.chdir('/');
  rmSync(workspace, { recursive: true, force: true });
}
