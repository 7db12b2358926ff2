// `mlship serve` as a library call: loads prod (and the canary), refuses a
// canary whose inputs differ from prod's before any traffic, listens on
// loopback by default, and follows the registry's stages so a promotion or a
// rollback reaches the server without a restart.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { InputError } from '@mlship/errors';
import type { RegistryService } from '@mlship/registry';
import { DEFAULT_BATCHING } from './model/dynamic-batcher.ts';
import { EvidenceBook } from './evidence/evidence-book.ts';
import { PendingPredictions } from './evidence/pending-predictions.ts';
import { serveHandler } from './http/serve-handler.ts';
import type { ServeRecorders } from './inference.ts';
import { PredictionLog } from './log/prediction-log.ts';
import { inputMismatch, type ServedModel, type Task } from './model/served-model.ts';
import {
  loadRegistryModel,
  loadSource,
  parseModelSource,
  stageVersions,
  type ModelSource,
} from './model/model-source.ts';
import { ProfileStore } from './profile/profile-store.ts';
import { ServeMetrics } from './serve-metrics.ts';
import { Traffic } from './traffic.ts';

export interface StartServeOptions {
  /** A model file, or a registry reference (NAME@prod, NAME@v1.2.0). */
  model: string;
  /** The canary: a file or a reference (NAME@canary). */
  canary?: string | undefined;
  /** Needed when model or canary is a reference. */
  registry?: RegistryService | undefined;
  /** Paths resolve against this directory. */
  cwd: string;
  /** The served name of a model file (default: the file name without .onnx). */
  name?: string | undefined;
  task?: Task | undefined;
  /** 0 picks a free port. */
  port?: number | undefined;
  host?: string | undefined;
  canaryWeight?: number | undefined;
  /** Both models score every request (default: true with a canary). */
  shadow?: boolean | undefined;
  /** Prediction logs and hourly profiles go here. */
  dataDir: string;
  logMaxFileBytes?: number | undefined;
  logMaxFiles?: number | undefined;
  logInputs?: 'full' | 'digest' | undefined;
  /**
   * Micro-batching: the most rows one model run takes from the requests
   * waiting for it (1: one run per request), and how long a lone request
   * waits for others (0: not at all).
   */
  maxBatchRows?: number | undefined;
  maxQueueDelayMs?: number | undefined;
  /** How long a prediction waits for its label. */
  labelWindowHours?: number | undefined;
  maxPendingPredictions?: number | undefined;
  /** When set, the rollout routes (traffic, evidence, feedback) need `Authorization: Bearer <token>`. */
  adminToken?: string | undefined;
  /** How often the registry's stages are re-read; 0: only on reload(). */
  watchIntervalMs?: number | undefined;
  /** One line per stage change or failed check (the CLI prints them). */
  onEvent?: ((line: string) => void) | undefined;
  now?: (() => number) | undefined;
}

export interface RunningServer {
  url: string;
  port: number;
  traffic: Traffic;
  /** Re-reads the registry's stages now and swaps versions that moved. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8080;

export async function startServe(options: StartServeOptions): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  const say = options.onEvent ?? (() => undefined);
  const task = options.task;
  const modelSource = parseModelSource(options.model, '--model', options.cwd);
  const canarySource =
    options.canary === undefined ? undefined : parseModelSource(options.canary, '--canary', options.cwd);
  const load = (source: ModelSource, flag: string, name?: string) =>
    loadSource(source, { registry: options.registry, name, task, flag });
  const prod = await load(modelSource, '--model', options.name);
  let canary: ServedModel | undefined;
  try {
    canary = canarySource ? await load(canarySource, '--canary', prod.name) : undefined;
    if (canary) {
      if (canary.name !== prod.name)
        throw new InputError(
          `--canary ${options.canary} is model '${canary.name}', but prod is '${prod.name}'; give a version of '${prod.name}'`,
        );
      if (canary.version === prod.version)
        throw new InputError(
          `--canary ${options.canary} is ${canary.version}, the version prod serves; give another version`,
        );
      const why = inputMismatch(prod, canary);
      if (why) throw new InputError(`refused before any traffic: ${why}`);
    }
  } catch (error) {
    await prod.session.release();
    await canary?.session.release();
    throw error;
  }

  const registry = options.registry;
  const metrics = new ServeMetrics();
  const traffic = new Traffic({
    prod,
    canary,
    canaryWeight: options.canaryWeight ?? 0,
    shadow: options.shadow ?? true,
    loadVersion: registry ? (version) => loadRegistryModel(registry, `${prod.name}@${version}`, task) : undefined,
    batching: {
      maxBatchRows: options.maxBatchRows ?? DEFAULT_BATCHING.maxBatchRows,
      maxQueueDelayMs: options.maxQueueDelayMs ?? DEFAULT_BATCHING.maxQueueDelayMs,
    },
    onRun: (model) => metrics.ran(model.name, model.version),
    now,
  });
  const recorders: ServeRecorders = {
    traffic,
    book: new EvidenceBook({ retentionHours: 24 * 7 }),
    pending: new PendingPredictions({
      maxEntries: options.maxPendingPredictions ?? 200_000,
      maxAgeMs: (options.labelWindowHours ?? 24) * 3_600_000,
    }),
    log: new PredictionLog({
      dir: join(options.dataDir, 'predictions'),
      maxFileBytes: options.logMaxFileBytes ?? 64 * 1024 * 1024,
      maxFiles: options.logMaxFiles ?? 10,
    }),
    profiles: new ProfileStore({ dir: join(options.dataDir, 'profiles'), retentionHours: 24 * 30, now }),
    metrics,
    logInputs: options.logInputs ?? 'full',
    now,
  };

  const server = createServer(serveHandler(recorders, { adminToken: options.adminToken }));
  // Keep-alive connections from load balancers outlive Node's 5 s default.
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.port ?? DEFAULT_PORT, options.host ?? '127.0.0.1').catch(async (error) => {
    await shutdown(recorders);
    throw error;
  });

  // Stage references are followed: the registry says which version holds each stage now.
  const followed = {
    prod:
      modelSource.kind === 'registry' && modelSource.reference.kind === 'stage'
        ? modelSource.reference.stage
        : undefined,
    canary:
      canarySource?.kind === 'registry' && canarySource.reference.kind === 'stage'
        ? canarySource.reference.stage
        : undefined,
  };
  let seen = { prod: followed.prod ? prod.version : undefined, canary: followed.canary ? canary?.version : undefined };
  let checking: Promise<void> | undefined;
  const reload = (): Promise<void> =>
    (checking ??= (async () => {
      if (!registry || (!followed.prod && !followed.canary)) return;
      try {
        const heads = await stageVersions(registry, prod.name, followed);
        const moved = (followed.prod && heads.prod !== seen.prod) || (followed.canary && heads.canary !== seen.canary);
        if (!moved) return;
        const state = traffic.state();
        const prodVersion = (followed.prod ? heads.prod : undefined) ?? state.prod;
        let canaryVersion = followed.canary ? (heads.canary ?? null) : state.canary;
        if (canaryVersion === prodVersion) canaryVersion = null;
        await traffic.set({
          prod: prodVersion,
          canary: canaryVersion,
          // A new canary starts in shadow; the rollout controller sets its weight.
          canaryWeight: canaryVersion !== null && canaryVersion === state.canary ? state.canaryWeight : 0,
          shadow: canaryVersion === state.canary ? state.shadow : (options.shadow ?? true),
        });
        say(
          `${prod.name}: prod ${prodVersion}${canaryVersion ? `, canary ${canaryVersion}` : ', no canary'} (registry stages moved)`,
        );
        seen = { prod: heads.prod, canary: heads.canary };
      } catch (error) {
        say(
          `${prod.name}: the registry's stages could not be applied (${(error as Error).message.split('\n')[0]}); still serving ${JSON.stringify(traffic.state())}`,
        );
      }
    })().finally(() => (checking = undefined)));
  const interval = options.watchIntervalMs ?? 30_000;
  const timer =
    interval > 0 && (followed.prod || followed.canary) ? setInterval(() => void reload(), interval) : undefined;
  timer?.unref();

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    traffic,
    reload,
    async close() {
      if (timer) clearInterval(timer);
      await checking;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open.
        server.closeIdleConnections();
      });
      await shutdown(recorders);
    },
  };
}

async function shutdown(r: ServeRecorders): Promise<void> {
  await r.log?.close();
  await r.profiles?.close();
  await r.traffic.close();
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new InputError(`port ${port} on ${host} is in use; pick another with --port (0 picks a free one)`));
      else if (error.code === 'EACCES')
        reject(new InputError(`port ${port} on ${host} needs privileges; pick a port above 1023 with --port`));
      else reject(error);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
