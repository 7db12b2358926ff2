// Benchmark: the real @actions/cache and @actions/artifact clients moving one
// file through the results service emulator, beside two floors measured in the
// same run on the same bytes: the raw Azure Blob protocol (the block uploads and
// ranged reads the Azure SDK makes, with none of the clients' archiving) and a
// plain file copy. The ratios show what archiving, hashing and the SDK cost.
// MLSHIP_BENCH_RESULTS_MB sets the size (default 128), MLSHIP_BENCH_ROUNDS the rounds.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quietly, rawBlobDownload, rawBlobUpload, startBenchRunner } from './kit/results-runner.ts';

const SIZE_MB = Number(process.env.MLSHIP_BENCH_RESULTS_MB ?? 128);
const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 2);
const MiB = 1024 * 1024;

const { rs, workspace } = await startBenchRunner();
const cache = await import('@actions/cache');
const { DefaultArtifactClient } = await import('@actions/artifact');
const artifacts = new DefaultArtifactClient();

// Checkpoint-like bytes: random, so compression cannot shrink them.
const source = join(workspace, 'ckpt', 'weights.bin');
mkdirSync(join(workspace, 'ckpt'));
writeFileSync(source, Buffer.concat(Array.from({ length: SIZE_MB }, () => randomBytes(MiB))));
process.chdir(workspace);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const best: Record<string, number> = {};
const keep = (name: string, ms: number) => (best[name] = Math.min(best[name] ?? Infinity, ms));
for (let round = 0; round < ROUNDS; round++) {
  keep('file copy', await timed(async () => copyFileSync(source, join(workspace, `copy-${round}.bin`))));
  rmSync(join(workspace, `copy-${round}.bin`));

  const raw = { account: 'productionresultssa1', container: 'actions-cache', blob: `raw-${round}` };
  keep('raw blob upload', await timed(() => rawBlobUpload(rs, rs.signedUrl(raw, 'upload'), source, 64 * MiB, 8)));
  const rawOut = join(workspace, `raw-${round}.bin`);
  keep(
    'raw blob download',
    await timed(() => rawBlobDownload(rs, rs.signedUrl(raw, 'download'), SIZE_MB * MiB, rawOut, 4 * MiB, 8)),
  );
  rmSync(rawOut);

  keep('cache save', await timed(() => quietly(() => cache.saveCache(['ckpt'], `ckpt-${round}`))));
  rmSync(join(workspace, 'ckpt', 'weights.bin'));
  keep('cache restore', await timed(() => quietly(() => cache.restoreCache(['ckpt'], `ckpt-${round}`))));

  let id = 0;
  keep(
    'artifact upload',
    await timed(
      async () => (id = (await quietly(() => artifacts.uploadArtifact(`model-${round}`, [source], workspace))).id ?? 0),
    ),
  );
  keep(
    'artifact download',
    await timed(() => quietly(() => artifacts.downloadArtifact(id, { path: join(workspace, `dl-${round}`) }))),
  );
  rmSync(join(workspace, `dl-${round}`), { recursive: true });
}
const violations = rs.violations.length;
await rs.stop();
rmSync(workspace, { recursive: true, force: true });

const rate = (ms: number) => `${((SIZE_MB * 1000) / ms).toFixed(0).padStart(5)} MiB/s`;
const row = (name: string, floor: string) => {
  const ms = best[name] ?? NaN;
  const ratio = (best[floor] ?? NaN) > 0 ? (ms / (best[floor] ?? NaN)).toFixed(2) : '-';
  console.log(`  ${name.padEnd(18)} ${ms.toFixed(0).padStart(7)} ms ${rate(ms)}   ${ratio.padStart(6)}x ${floor}`);
};
console.log(
  `${SIZE_MB} MiB of random bytes, best of ${ROUNDS} rounds (emulator on loopback; *.blob.core.windows.net via its proxy)`,
);
row('file copy', 'file copy');
row('raw blob upload', 'file copy');
row('raw blob download', 'file copy');
row('cache save', 'raw blob upload');
row('cache restore', 'raw blob download');
row('artifact upload', 'raw blob upload');
row('artifact download', 'raw blob download');
console.log(`violations: ${violations}`);
