// Benchmark: publishing a 200 MB model to the GitHub emulator, beside its
// floor measured in the same run: sha256 of the file plus one raw upload of the
// same bytes with fetch to a draft release. mlship's publish does more (draft,
// manifest, annotated tag, event log, publish), so the ratio shows its overhead.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';

const SIZE_MB = Number(process.env.MLSHIP_BENCH_MODEL_MB ?? 200);
const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 2);
const dir = join(import.meta.dirname, 'out', 'registry-publish');
await mkdir(dir, { recursive: true });
const modelPath = join(dir, 'model.onnx');
const chunk = randomBytes(1 << 20);
await writeFile(
  modelPath,
  Buffer.concat(
    Array.from({ length: SIZE_MB }, (_, i) => {
      chunk[0] = i & 0xff;
      return Buffer.from(chunk);
    }),
  ),
);

const gh = await startEmulator({ rateLimitPerHour: 1_000_000 });
const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
const commit = gh.createCommit(repo, { branch: 'main', message: 'train' });
const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });

async function baseline(round: number): Promise<number> {
  const start = performance.now();
  const hash = createHash('sha256');
  for await (const c of createReadStream(modelPath)) hash.update(c as Buffer);
  hash.digest('hex');
  const release = await client.rest.repos.createRelease({
    owner: repo.owner,
    repo: repo.name,
    tag_name: `raw-${round}`,
    draft: true,
  });
  const url = release.data.upload_url.replace(/\{.*\}$/, `?name=model.onnx`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `token ${token}`, 'content-type': 'application/octet-stream' },
    body: await readFile(modelPath),
  });
  if (res.status !== 201) throw new Error(`raw upload answered ${res.status}`);
  return performance.now() - start;
}

async function publish(round: number): Promise<{ ms: number; requests: number }> {
  gh.clearRequests();
  const start = performance.now();
  const registry = new RegistryService(new GitHubStore({ client, owner: repo.owner, repo: repo.name }), {
    actor: 'alice',
  });
  await registry.publish({
    name: 'big',
    version: `v1.${round}.0`,
    files: [{ path: modelPath, role: 'model' }],
    commit,
    params: { round },
  });
  return { ms: performance.now() - start, requests: gh.requests.length };
}

let best = { base: Infinity, ours: Infinity, requests: 0 };
for (let round = 0; round < ROUNDS; round++) {
  const base = await baseline(round);
  const ours = await publish(round);
  best = { base: Math.min(best.base, base), ours: Math.min(best.ours, ours.ms), requests: ours.requests };
}
await gh.stop();
console.log(`model ${SIZE_MB} MB, best of ${ROUNDS} rounds`);
console.log(`  baseline (sha256 + one raw upload)  ${best.base.toFixed(0).padStart(7)} ms`);
console.log(
  `  mlship registry publish             ${best.ours.toFixed(0).padStart(7)} ms  (${best.requests} API requests)`,
);
console.log(`  ratio                               ${(best.ours / best.base).toFixed(2).padStart(7)} x`);
