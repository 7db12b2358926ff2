import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));

/** Reads KEY=VALUE lines until GITHUB_SERVER_URL, the last one printed. */
async function printedEnv(child: ReturnType<typeof spawn>): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const lines = createInterface({ input: child.stdout! });
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    for await (const line of lines) {
      const at = line.indexOf('=');
      env[line.slice(0, at)] = line.slice(at + 1);
      if (line.startsWith('GITHUB_SERVER_URL=')) break;
    }
  } finally {
    clearTimeout(deadline);
  }
  return env;
}

test('serve prints a runner environment whose token the service accepts, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [SERVE, 'octo-org/churn-model', 'refs/heads/feature/x'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const env = await printedEnv(child);
  assert.equal(env['ACTIONS_CACHE_SERVICE_V2'], 'True');
  assert.equal(env['GITHUB_SERVER_URL'], 'http://github.localhost');
  const claims = JSON.parse(Buffer.from(env['ACTIONS_RUNTIME_TOKEN']?.split('.')[1] ?? '', 'base64url').toString());
  assert.deepEqual(JSON.parse(claims.ac), [
    { Scope: 'refs/heads/feature/x', Permission: 3 },
    { Scope: 'refs/heads/main', Permission: 1 },
  ]);
  const lookup = await fetch(
    new URL('twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL', env['ACTIONS_RESULTS_URL']),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env['ACTIONS_RUNTIME_TOKEN']}` },
      body: JSON.stringify({ key: 'ckpt-1', restore_keys: [], version: 'a'.repeat(64) }),
    },
  );
  assert.equal(lookup.status, 200);
  assert.equal(((await lookup.json()) as { ok: boolean }).ok, false);
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null]);
});

test('serve refuses a repository that is not owner/name, or a ref that is not a full ref, in one line', () => {
  const badRepo = spawnSync(process.execPath, [SERVE, 'churn-model'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(badRepo.status, 2);
  assert.equal(badRepo.stderr, 'not an owner/name: churn-model\n');
  const badRef = spawnSync(process.execPath, [SERVE, 'octo-org/churn-model', 'main'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(badRef.status, 2);
  assert.match(badRef.stderr, /^not a full git ref .*: main\n$/);
});
