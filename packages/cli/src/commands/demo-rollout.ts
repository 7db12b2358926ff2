// The demo's deploy half: the reference server serves prod and, once the
// controller starts a rollout, the released version as its canary; labelled
// penguins traffic runs through it (each request scored by both models, the
// label sent back by request id), and the controller, run as the scheduled
// deploy job runs it, judges each step on the server's evidence until it
// promotes or rolls back. Same code path as the deploy action (runDeploy).
import { readFile } from 'node:fs/promises';
import { runDeploy, type DeployRun } from '@mlship/deploy';
import { createGitHubClient } from '@mlship/github';
import { openRegistry } from '@mlship/registry';
import { runnerContextFromEnv } from '@mlship/runner-context';
import { startServe, type RunningServer } from '@mlship/serve';
import { sendRequests, servedInput } from './demo-traffic.ts';

/** Controller runs per rollout before the demo gives up (each advances at most one step). */
const MAX_RUNS = 12;
/** Labelled requests served before each controller run. */
const REQUESTS_PER_RUN = 250;

export interface RolloutSetting {
  model: string;
  /** GitHub (the emulator) for the Deployments, their statuses and the rollout log. */
  apiUrl: string;
  repository: string;
  token: string;
  /** `local:DIR`, the registry the rest of the demo writes. */
  registry: string;
  /** The policy file with its `canary:` section, relative to `cwd`. */
  policy: string;
  /** Labelled rows (CSV with a `species` column and the model's features) replayed as traffic. */
  traffic: string;
  features: readonly string[];
  cwd: string;
  say: (line?: string) => void;
}

export interface RolloutOutcome {
  action: DeployRun['action'];
  requests: number;
  labels: number;
  runs: DeployRun[];
}

interface LabelledRow {
  features: number[];
  label: string;
}

async function readTraffic(file: string, features: readonly string[]): Promise<LabelledRow[]> {
  const [header, ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  const names = header!.split(',');
  const label = names.indexOf('species');
  const columns = features.map((f) => names.indexOf(f));
  return lines
    .map((line) => line.split(','))
    .map((cells) => ({ features: columns.map((j) => Number(cells[j])), label: cells[label]! }))
    .filter((r) => r.features.every(Number.isFinite));
}

/** The reference server on a free loopback port, following the registry's prod stage. */
export function startDemoServer(
  setting: RolloutSetting,
  registry: Parameters<typeof startServe>[0]['registry'],
  dataDir: string,
): Promise<RunningServer> {
  return startServe({
    model: `${setting.model}@prod`,
    registry,
    cwd: setting.cwd,
    dataDir,
    port: 0,
    // Stages are re-read when the controller has moved them (server.reload()), not on a timer.
    watchIntervalMs: 0,
  });
}

/**
 * Starts the rollout of `version` and runs the controller until it decides
 * (bounded by MAX_RUNS), serving labelled traffic between runs.
 */
export async function rollOut(
  setting: RolloutSetting,
  server: RunningServer,
  version: string,
  traffic: { next: number },
): Promise<RolloutOutcome> {
  const { say, model } = setting;
  const rows = await readTraffic(setting.traffic, setting.features);
  const input = await servedInput(server, model);
  // What the scheduled job's entry reads and builds once.
  const env = { GITHUB_API_URL: setting.apiUrl, GITHUB_REPOSITORY: setting.repository, GITHUB_ACTOR: 'mlship-deploy' };
  const context = await runnerContextFromEnv(env, { cwd: setting.cwd });
  const client = createGitHubClient({ token: setting.token, baseUrl: setting.apiUrl, throttle: false });
  const registry = await openRegistry({ location: setting.registry, cwd: setting.cwd, actor: 'mlship-deploy' });
  const runtime = { context, client, registry, env, warn: (message: string) => say(`   warning: ${message}`) };
  const inputs = {
    command: 'auto' as const,
    model,
    environment: 'production',
    policy: setting.policy,
    serverUrl: server.url,
  };
  const run = (version?: string) => runDeploy({ ...inputs, ...(version ? { version } : {}) }, runtime);

  const started = await run(version);
  if (started.action !== 'started') throw new Error(`mlship demo: the rollout did not start: ${started.text}`);
  say(`   start  ${started.text}`);
  const runs = [started];
  const firstRequest = traffic.next;
  for (let i = 1; i <= MAX_RUNS; i++) {
    const first = traffic.next;
    await sendRequests(
      server,
      model,
      input,
      Array.from({ length: REQUESTS_PER_RUN }, (_, k) => {
        const row = rows[(first + k) % rows.length]!;
        return {
          id: `demo-${first + k}`,
          features: row.features,
          label: row.label,
          routingKey: `visitor-${first + k}`,
        };
      }),
    );
    traffic.next += REQUESTS_PER_RUN;
    const result = await run();
    runs.push(result);
    // The controller moved the registry's stages: the server follows them now rather than on its timer.
    await server.reload();
    say(`   run ${String(i).padEnd(2)} ${result.text}`);
    if (['promoted', 'rolled-back', 'inconclusive'].includes(result.action)) {
      const requests = traffic.next - firstRequest;
      return { action: result.action, requests, labels: requests, runs };
    }
  }
  throw new Error(`mlship demo: no decision on ${model} ${version} after ${MAX_RUNS} controller runs`);
}
