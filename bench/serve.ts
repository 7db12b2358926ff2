// Benchmark: `mlship serve` against the floor, a bare node:http server
// calling the same ONNX Runtime InferenceSession on the same model, in the
// same run. Batch-1 requests over keep-alive loopback connections: one client
// (latency), 8 and 32 concurrent clients (throughput), and a paced moderate
// load (p99 at a fixed rate). `mlship` micro-batches (its default);
// `mlship-unbatched` runs the model once per request, as the floor does, so
// the gain of batching reads beside it; `mlship-shadow` scores on a canary
// too. Each cell is the median of REPEATS runs; the machine is shared, so the
// ratio to the floor measured alongside is the figure that travels. Targets: ≥ 0.8× the floor's throughput, p99 ≤ 5 ms at moderate load.
//
// The load generator is our own loop on node:http: autocannon's histogram
// resolves whole milliseconds, and these latencies are tens of microseconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECONDS = Number(process.env.MLSHIP_BENCH_SECONDS ?? 3);
const REPEATS = Number(process.env.MLSHIP_BENCH_REPEATS ?? 3);
const PACED_RATE = Number(process.env.MLSHIP_BENCH_RATE ?? 1000);
const TARGETS = ['floor', 'mlship', 'mlship-unbatched', 'mlship-shadow'] as const;
type Target = (typeof TARGETS)[number];

/** Penguin-like rows, so requests are not all byte-identical. */
const BODIES = Array.from({ length: 64 }, (_, i) =>
  JSON.stringify({
    inputs: [
      { name: 'input', shape: [1, 4], datatype: 'FP32', data: [35 + (i % 20), 14 + (i % 7), 180 + i, 3200 + 30 * i] },
    ],
  }),
);

async function startTarget(target: Target, dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'lib', 'serve-targets.ts'), target, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`${target} exited ${code} before listening`)));
    // Generous: on a loaded machine a niced process takes long to load the runtime and its modules.
    setTimeout(() => reject(new Error(`${target} did not start in 180 s`)), 180_000).unref();
  });
  return { child, port };
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v2/models/penguins/infer',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(performance.now() - start) : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Cell {
  rps: number;
  p50: number;
  p99: number;
  /** The server process's CPU time per request: what the machine's other load changes least. */
  cpuUs: number;
}

/** User + system CPU seconds of a process so far (Linux /proc, in clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measured(pid: number, run: () => Promise<Omit<Cell, 'cpuUs'>>): Promise<Cell> {
  const before = cpuSeconds(pid);
  const cell = await run();
  const requests = cell.rps * SECONDS;
  return { ...cell, cpuUs: ((cpuSeconds(pid) - before) / requests) * 1e6 };
}

function summarize(latencies: number[], seconds: number): Omit<Cell, 'cpuUs'> {
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99) };
}

/** `clients` closed loops, each sending its next request when the last is answered, for SECONDS. */
async function closedLoop(port: number, clients: number): Promise<Omit<Cell, 'cpuUs'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) latencies.push(await post(agent, port, BODIES[i++ % BODIES.length]!));
    }),
  );
  agent.destroy();
  return summarize(latencies, SECONDS);
}

/** Requests sent at a fixed rate whatever the answers (open loop), for SECONDS: p99 at moderate load. */
async function paced(port: number, rate: number): Promise<Omit<Cell, 'cpuUs'>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const total = Math.round(rate * SECONDS);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(post(agent, port, BODIES[n % BODIES.length]!).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return summarize(latencies, (performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const scenarios = [
  { name: 'batch 1, 1 client', run: (port: number) => closedLoop(port, 1) },
  { name: 'batch 1, 8 clients', run: (port: number) => closedLoop(port, 8) },
  { name: 'batch 1, 32 clients', run: (port: number) => closedLoop(port, 32) },
  { name: `batch 1, paced ${PACED_RATE}/s`, run: (port: number) => paced(port, PACED_RATE) },
];

const dir = await mkdtemp(join(tmpdir(), 'mlship-bench-serve-'));
const results = new Map<string, Cell[]>();
// All three servers run at once (an idle one costs nothing) and the measurements interleave
// target by target, so a noisy neighbour's burst falls on all of them alike.
const servers = new Map<Target, { child: ChildProcess; port: number }>();
try {
  for (const target of TARGETS) servers.set(target, await startTarget(target, join(dir, target)));
  for (const { port } of servers.values()) await closedLoop(port, 4); // warm-up: JIT, sockets, ONNX Runtime
  for (let rep = 0; rep < REPEATS; rep++) {
    for (const s of scenarios) {
      for (const target of TARGETS) {
        const key = `${s.name}|${target}`;
        const { child, port } = servers.get(target)!;
        results.set(key, [...(results.get(key) ?? []), await measured(child.pid!, () => s.run(port))]);
      }
    }
  }
} finally {
  for (const { child } of servers.values()) child.kill();
  await rm(dir, { recursive: true, force: true });
}

console.log(
  `mlship serve vs the floor (bare node:http + the same InferenceSession); median of ${REPEATS} runs of ${SECONDS} s each`,
);
console.log('| load | server | req/s | p50 ms | p99 ms | server CPU µs/request | throughput vs floor |');
console.log('| - | - | -: | -: | -: | -: | -: |');
for (const s of scenarios) {
  const floorRps = median(results.get(`${s.name}|floor`)!.map((c) => c.rps));
  for (const target of TARGETS) {
    const cells = results.get(`${s.name}|${target}`)!;
    const rps = median(cells.map((c) => c.rps));
    console.log(
      `| ${s.name} | ${target} | ${rps.toFixed(0)} | ${median(cells.map((c) => c.p50)).toFixed(3)} | ${median(cells.map((c) => c.p99)).toFixed(3)} | ${median(cells.map((c) => c.cpuUs)).toFixed(0)} | ${(rps / floorRps).toFixed(2)}× |`,
    );
  }
}
