// Benchmark: API requests (and time) to resolve NAME@prod with 10 and with
// 2,000 versions in the GitHub emulator. GTO reads every tag for this; mlship
// reads the head event, probes for a newer one, then the release, its manifest
// and the version tag that records the manifest's content digest.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';

const SIZES = (process.env.MLSHIP_BENCH_VERSIONS ?? '10,2000').split(',').map(Number);
const gh = await startEmulator({ rateLimitPerHour: 100_000_000 });
const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
const client = createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
const dir = await mkdtemp(join(tmpdir(), 'mlship-bench-resolve-'));
const model = join(dir, 'model.onnx');
await writeFile(model, 'tiny model bytes');

for (const versions of SIZES) {
  const repo = gh.createRepo({ owner: 'octo-org', name: `models-${versions}`, defaultBranch: 'main' });
  const commit = gh.createCommit(repo, { branch: 'main', message: 'train' });
  const registry = () =>
    new RegistryService(new GitHubStore({ client, owner: repo.owner, repo: repo.name }), { actor: 'alice' });
  const seeding = performance.now();
  const writer = registry();
  for (let i = 0; i < versions; i++) {
    await writer.publish({
      name: 'churn',
      version: `v1.${i}.0`,
      files: [{ path: model, role: 'model' }],
      commit,
      params: { i },
    });
  }
  await writer.promote({ name: 'churn', version: `v1.${Math.floor(versions / 2)}.0`, stage: 'prod' });
  const seededMs = performance.now() - seeding;
  gh.clearRequests();
  const start = performance.now();
  const resolved = await registry().resolve('churn@prod');
  const ms = performance.now() - start;
  const tags = [...gh.repo(repo).refs.keys()].filter((r) => r.startsWith('refs/tags/')).length;
  console.log(
    `${String(versions).padStart(5)} versions (${tags} tags): resolve churn@prod -> ${resolved.version} in ${gh.requests.length} requests, ${ms.toFixed(1)} ms  [seeded in ${(seededMs / 1000).toFixed(1)} s]`,
  );
  console.log(`       ${gh.requests.map((r) => `${r.method} ${r.operationId}`).join(', ')}`);
}
await gh.stop();
