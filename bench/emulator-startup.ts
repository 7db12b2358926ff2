// Benchmark: GitHub emulator start-up and per-request cost.
//   cold start   — a fresh Node process that starts an emulator and exits
//                  (spec parse, schema conversion, route table), beside
//                  `node -e ''` spawned the same way;
//   warm start   — a further emulator in the same process (shared caches);
//   request      — sequential GET /repos/{o}/{r} through fetch (routing, auth,
//                  validation, response validation), beside a bare node:http
//                  server answering the same JSON in the same run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '@mlship/github-emulator';

const ROUNDS = Number(process.env.MLSHIP_BENCH_ROUNDS ?? 5);
const REQUESTS = 300;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function timeSpawn(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`exit ${code}`))));
  });
}

const coldScript = `import { startEmulator } from '@mlship/github-emulator'; const gh = await startEmulator(); await gh.stop();`;
const cold: number[] = [];
const bare: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  bare.push(await timeSpawn(['-e', '']));
  cold.push(await timeSpawn(['--input-type=module', '-e', coldScript]));
}

const first = await startEmulator();
const warmStart = performance.now();
const warm = await startEmulator();
const warmMs = performance.now() - warmStart;
await first.stop();

const repo = warm.createRepo({ owner: 'octo', name: 'bench' });
const token = warm.createToken({ login: 'bench', rateLimitPerHour: 1_000_000 });
const url = `${warm.apiUrl}/repos/${repo.fullName}`;
const body = JSON.stringify(
  (await (await fetch(url, { headers: { authorization: `token ${token}` } })).json()) as unknown,
);
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

async function perRequestMs(target: string): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < REQUESTS; i++)
    await (await fetch(target, { headers: { authorization: `token ${token}` } })).arrayBuffer();
  return (performance.now() - start) / REQUESTS;
}
const emulatorMs: number[] = [];
const bareMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  bareMs.push(await perRequestMs(bareUrl));
  emulatorMs.push(await perRequestMs(url));
}
server.close();
await warm.stop();

const fmt = (n: number) => n.toFixed(2);
console.log(
  `cold start (process incl. Node): ${fmt(median(cold))} ms   node -e '': ${fmt(median(bare))} ms   ratio ${fmt(median(cold) / median(bare))}`,
);
console.log(`warm start (second emulator in a process): ${fmt(warmMs)} ms`);
console.log(
  `GET repo: ${fmt(median(emulatorMs))} ms/request   bare node:http: ${fmt(median(bareMs))} ms/request   ratio ${fmt(median(emulatorMs) / median(bareMs))}`,
);
console.log(`violations: ${warm.violations.length}`);
