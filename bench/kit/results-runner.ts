// What a benchmark needs to run @actions/artifact and @actions/cache in its own
// process against the results service emulator: the runner's environment, a
// quiet stdout (the clients log every request), and the raw Azure Blob protocol
// on the same bytes as the floor the clients are compared with.
import { Agent, request } from 'node:http';
import { mkdirSync, mkdtempSync, openSync, readSync, closeSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResultsService, type ResultsService, type RunnerJob } from '@mlship/results-emulator';

export interface BenchRunner {
  rs: ResultsService;
  workspace: string;
  job: RunnerJob;
}

/** A results service, and this process's environment set as the runner sets a node action's. */
export async function startBenchRunner(job: Partial<RunnerJob> = {}): Promise<BenchRunner> {
  const rs = await startResultsService();
  const workspace = mkdtempSync(join(tmpdir(), 'mlship-bench-results-'));
  mkdirSync(join(workspace, 'runner-temp'));
  const fullJob: RunnerJob = {
    repository: 'octo-org/churn-model',
    runId: '1658821493',
    job: 'train',
    ref: 'refs/heads/main',
    defaultBranch: 'main',
    ...job,
  };
  Object.assign(process.env, rs.runnerEnv(fullJob), {
    GITHUB_SERVER_URL: 'http://github.localhost',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(workspace, 'runner-temp'),
  });
  return { rs, workspace, job: fullJob };
}

/** Runs `fn` with stdout discarded: the clients write a ::debug:: line per request and progress lines. */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Put Block in blocks of `blockBytes`, `concurrency` at a time, then Put Block List: the SDK's upload, on the wire. */
export async function rawBlobUpload(
  rs: ResultsService,
  signedUrl: string,
  file: string,
  blockBytes: number,
  concurrency: number,
): Promise<void> {
  const size = statSync(file).size;
  const count = Math.ceil(size / blockBytes);
  const ids = Array.from({ length: count }, (_, i) =>
    Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64'),
  );
  const fd = openSync(file, 'r');
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const bytes = Buffer.alloc(Math.min(blockBytes, size - i * blockBytes));
        readSync(fd, bytes, 0, bytes.length, i * blockBytes);
        await send(rs, 'PUT', `${signedUrl}&comp=block&blockid=${encodeURIComponent(ids[i] ?? '')}`, {}, bytes, 201);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    closeSync(fd);
  }
  const list = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
  await send(rs, 'PUT', `${signedUrl}&comp=blocklist`, {}, Buffer.from(list), 201);
}

/** Ranged Get Blob in blocks of `blockBytes`, `concurrency` at a time, written to `file`: the SDK's download, on the wire. */
export async function rawBlobDownload(
  rs: ResultsService,
  signedUrl: string,
  size: number,
  file: string,
  blockBytes: number,
  concurrency: number,
): Promise<void> {
  const count = Math.ceil(size / blockBytes);
  const fd = openSync(file, 'w');
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const start = i * blockBytes;
        const end = Math.min(size, start + blockBytes) - 1;
        const bytes = await send(rs, 'GET', signedUrl, { 'x-ms-range': `bytes=${start}-${end}` }, undefined, 206);
        writeSync(fd, bytes, 0, bytes.length, start);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    closeSync(fd);
  }
}

function send(
  rs: ResultsService,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  expected: number,
): Promise<Buffer> {
  const target = new URL(url);
  const proxy = rs.proxyUrl ? new URL(rs.proxyUrl) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: proxy?.hostname ?? target.hostname,
        port: proxy?.port ?? target.port,
        method,
        path: proxy ? target.href : `${target.pathname}${target.search}`,
        headers: {
          host: target.host,
          'x-ms-version': '2025-11-05',
          ...headers,
          ...(body ? { 'content-length': String(body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === expected
            ? resolve(Buffer.concat(chunks))
            : reject(
                new Error(
                  `${method} ${target.pathname} answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`,
                ),
              ),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
