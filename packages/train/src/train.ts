// `mlship train` and actions/train: the team's training command wrapped so
// that a GPU job is safe, observable, resumable and reproducible. One code
// path for both entries; what differs (where checkpoints are kept, whether an
// artifact is uploaded, where the job summary goes) is handed in.
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { InputError, UserError } from '@mlship/errors';
import { renderSection, type ReportSection } from '@mlship/report';
import { digestFile, LINEAGE_FILE, LineageSchema, type Lineage } from '@mlship/registry';
import type { RunnerContext } from '@mlship/runner-context';
import { checkpointKeys, configDigest } from './checkpoint/checkpoint-keys.ts';
import { CheckpointSaver, listCheckpoint, type CheckpointSave } from './checkpoint/checkpoint-saver.ts';
import type { CheckpointStore, RestoreOutcome } from './checkpoint/checkpoint-store.ts';
import { probeGpus, type RunTool } from './gpu/gpu-probe.ts';
import { dataLineage, lockfileLineage, runnerLineage } from './lineage-facts.ts';
import { LogGroups, type LogMode } from './log-groups.ts';
import { checkGpus, type PreflightOutcome } from './preflight.ts';
import { compareRuns, type ReproducibilityReport, type RunFingerprint } from './reproducibility.ts';
import type { CommandResult } from './run-command.ts';
import { summariseTelemetry, type TelemetrySummary } from './telemetry-summary.ts';
import type { TrainInputs } from './train-inputs.ts';
import {
  bringInto,
  lineageOutputs,
  metricsFile,
  readFinalMetrics,
  readParams,
  telemetryFile,
  writeWhole,
  type OutputFile,
} from './train-outputs.ts';
import { trainingEnv } from './training-env.ts';
import { formatElapsed, runTrainingCommand, type RunProgress, type TrainingRun } from './training-run.ts';
import { trainingSection, type TrainingOutcome, type TrainingReport } from './training-section.ts';

/** Where and for what the training runs: from the runner context, or the CLI's defaults. */
export interface TrainContext {
  workspace: string;
  /** The step's environment (what the command's environment is built from). */
  env: Record<string, string | undefined>;
  runnerName: string;
  /** The runner's own variables (name, kind, temp directory), as the runner context read them. */
  runner?: Partial<RunnerContext['runner']> | undefined;
  run: { id: string; attempt: number; url?: string | undefined };
  repository?: string | undefined;
  commit?: string | undefined;
  ref?: string | undefined;
  /** The branch the checkpoints belong to (the PR head's branch on pull requests). */
  branch: string;
  defaultBranch?: string | undefined;
  pullRequest?: number | undefined;
  /** The model name when the inputs name none. */
  defaultName: string;
}

export interface TrainDeps {
  runTool: RunTool;
  /** Where checkpoints are kept; without one, checkpoints stay on the machine. */
  store: CheckpointStore | undefined;
  log: LogMode;
  write(text: string): void;
  warn(message: string): void;
  /** Registers a value the log must never show. */
  mask?(value: string): void;
  /** Rewrites this step's job summary. */
  writeSummary?(markdown: string): Promise<void>;
  /** Keeps what the post step needs to save a checkpoint the main step could not. */
  saveState?(state: CheckpointState): void;
  /** Uploads the output directory's files as one artifact. */
  upload?(
    name: string,
    files: string[],
    rootDirectory: string,
    retentionDays?: number,
  ): Promise<{ id?: number; size?: number }>;
  /** Aborted when the job is cancelled. */
  signal?: AbortSignal;
}

/** What the post step reads back. */
export interface CheckpointState {
  dir: string;
  prefix: string;
  runId: string;
  attempt: number;
  nextSequence: number;
  lastStored?: string | undefined;
  /** The main step saved the final checkpoint (or had nothing to save). */
  done: boolean;
  /** The main step warned that the store failed: the post step does not warn again. */
  storeFailed?: boolean;
}

export interface TrainResult {
  outcome: TrainingOutcome;
  report: TrainingReport;
  section: ReportSection;
  outputDir: string;
  paths: { metrics: string; lineage: string; report: string; telemetry: string; model?: string };
  artifact?: { name: string; id?: number | undefined };
  /** One line for the failed step, when it failed. */
  failure?: string;
  reproducibility?: ReproducibilityReport;
}

const CANCEL_GRACE_MS = 5_000;
const QUIET_MS = 500;

function resolveIn(workspace: string, path: string): string {
  return isAbsolute(path) ? path : resolve(workspace, path);
}

async function isDirectory(path: string): Promise<boolean | undefined> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => undefined,
  );
}

async function requireFile(path: string, shown: string, input: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile())
    throw new InputError(
      `input '${input}': ${shown} ${info ? 'is not a file' : 'does not exist'}; give the path of ${what} relative to the workspace`,
    );
}

/** Refuses what can be checked before anything runs, so bad input fails in seconds. */
async function checkInputs(inputs: TrainInputs, workspace: string): Promise<void> {
  if (inputs.workingDirectory && !(await isDirectory(resolveIn(workspace, inputs.workingDirectory))))
    throw new InputError(
      `input 'working-directory': ${inputs.workingDirectory} is not a directory of the workspace; give the directory the command runs in, relative to the workspace`,
    );
  if (inputs.checkpointDir && (await isDirectory(resolveIn(workspace, inputs.checkpointDir))) === false)
    throw new InputError(
      `input 'checkpoint-dir': ${inputs.checkpointDir} is a file; give a directory the command writes its checkpoints to`,
    );
  for (const file of inputs.config) await requireFile(resolveIn(workspace, file), file, 'config', 'a config file');
  if (inputs.params) await requireFile(resolveIn(workspace, inputs.params), inputs.params, 'params', 'the params file');
  if (inputs.minFreeGpuMemoryGb !== undefined && inputs.gpus === 0)
    throw new InputError(
      `input 'min-free-gpu-memory-gb' needs 'gpus' (the number of GPUs the job needs) above 0; set gpus or drop min-free-gpu-memory-gb`,
    );
}

export async function runTraining(inputs: TrainInputs, context: TrainContext, deps: TrainDeps): Promise<TrainResult> {
  const { workspace } = context;
  const log = new LogGroups(deps.write, deps.log);
  const name = inputs.name ?? context.defaultName;
  await checkInputs(inputs, workspace);
  const params = inputs.params ? await readParams(resolveIn(workspace, inputs.params), inputs.params) : {};
  const data = await dataLineage(inputs.data, workspace);
  const lockfiles = await lockfileLineage(workspace, inputs.lockfiles);

  // Preflight: fail in seconds when the machine cannot run the job.
  const probe = await probeGpus(deps.runTool);
  const preflight = checkGpus(
    probe,
    {
      count: inputs.gpus,
      maxUtilizationPercent: inputs.maxGpuUtilization,
      ...(inputs.minFreeGpuMemoryGb === undefined ? {} : { minFreeMemoryMiB: inputs.minFreeGpuMemoryGb * 1024 }),
    },
    {
      runnerName: context.runnerName,
      ...(visibleDevices(context.env, probe) === undefined
        ? {}
        : { visibleDevices: visibleDevices(context.env, probe)! }),
    },
  );
  const runner = await runnerLineage(context.runner ?? {}, workspace);
  log.line(preflightLine(preflight, probe.kind === 'gpus' ? probe : undefined, runner));

  const outputDir = resolveIn(workspace, inputs.outputDir);
  await mkdir(outputDir, { recursive: true });
  const cwd = inputs.workingDirectory ? resolveIn(workspace, inputs.workingDirectory) : workspace;
  const digest = configDigest(
    inputs.run,
    await Promise.all(inputs.config.map(async (path) => ({ path, bytes: await readFile(resolveIn(workspace, path)) }))),
  );
  const metricsPath = inputs.metricsFile ? resolveIn(workspace, inputs.metricsFile) : join(outputDir, 'metrics.jsonl');
  const baseEnv = {
    MLSHIP_METRICS_FD: '3',
    MLSHIP_METRICS_FILE: metricsPath,
    MLSHIP_OUTPUT_DIR: outputDir,
    ...preflight.env,
  };
  const telemetry = {
    run: deps.runTool,
    tool: probe.kind === 'gpus' ? probe.tool : undefined,
    gpuIndexes: preflight.gpus.map((g) => g.index),
    ...(probe.kind === 'gpus' ? { gpuCount: probe.gpus.length } : {}),
    intervalMs: inputs.telemetryIntervalSeconds * 1000,
  };
  const started = performance.now();
  const reportBase = {
    model: name,
    command: inputs.run,
    runner: { name: context.runnerName },
    gpus: preflight.gpus,
    driverVersion: probe.kind === 'gpus' ? probe.driverVersion : undefined,
    cudaVersion: probe.kind === 'gpus' ? probe.cudaVersion : undefined,
  };
  const summaryOf = (record: TrainingRun['telemetry'], wallMs: number): TelemetrySummary =>
    summariseTelemetry(record, {
      gpus: preflight.gpus,
      wallMs,
      currency: inputs.currency,
      idleBelowPercent: 30,
      ...(inputs.hourlyRate === undefined ? {} : { hourlyRate: inputs.hourlyRate }),
    });
  const timeoutMs = inputs.timeoutMinutes === undefined ? undefined : inputs.timeoutMinutes * 60_000;
  const runOnce = async (
    env: Record<string, string>,
    title: string,
    checkpoints?: Parameters<typeof runTrainingCommand>[0]['checkpoints'],
    liveCheckpoint?: () => TrainingReport['checkpoint'],
  ) =>
    runTrainingCommand({
      command: { shell: inputs.run },
      cwd,
      env,
      metricsFile: metricsPath,
      log,
      title,
      telemetry,
      ...(checkpoints ? { checkpoints } : {}),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      graceMs: inputs.graceSeconds * 1000,
      cancelGraceMs: Math.min(inputs.graceSeconds * 1000, CANCEL_GRACE_MS),
      ...(deps.signal ? { signal: deps.signal } : {}),
      progressMs: inputs.progressIntervalSeconds * 1000,
      onProgress: (progress) => liveSummary(progress, liveCheckpoint?.()),
    });
  const liveSummary = async (progress: RunProgress, checkpoint: TrainingReport['checkpoint']) => {
    if (!deps.writeSummary) return;
    const report: TrainingReport = {
      ...reportBase,
      outcome: 'running',
      exitCode: null,
      signal: null,
      durationMs: progress.elapsedMs,
      lastLines: [],
      metrics: metricsOf(progress.metrics, {}),
      telemetry: { ...summaryOf(progress.telemetry, progress.elapsedMs), series: progress.telemetry.series },
      ...(checkpoint ? { checkpoint } : {}),
    };
    await deps.writeSummary(renderSection(trainingSection(report)));
  };
  const commandEnv = (given: Record<string, string>) => {
    const built = trainingEnv({
      base: context.env,
      passEnv: inputs.passEnv,
      seed: inputs.seed,
      deterministic: inputs.deterministic,
      given,
    });
    for (const value of built.secretValues) deps.mask?.(value);
    return built;
  };

  if (inputs.reproduce) {
    return reproduce();
  }

  // Checkpoints: restore the newest, then save on an interval and at the end.
  let saver: CheckpointSaver | undefined;
  let restored: RestoreOutcome | undefined;
  let restoreSkipped = false;
  const keys = checkpointKeys({
    model: name,
    branch: context.branch,
    defaultBranch: inputs.restoreFromDefaultBranch ? context.defaultBranch : undefined,
    configDigest: digest,
  });
  const checkpointDir = inputs.checkpointDir ? resolveIn(workspace, inputs.checkpointDir) : undefined;
  let storeFailed = false;
  const storeFailure = (message: string) => {
    if (storeFailed) return log.line(`mlship train: the checkpoint store failed again: ${message}`);
    storeFailed = true;
    deps.warn(
      `checkpoints: ${deps.store?.description ?? 'the store'} failed (${message}); training goes on, and later saves are tried again`,
    );
  };
  const saves: CheckpointSave[] = [];
  const persist = (done: boolean) => {
    if (!saver || !checkpointDir || !deps.store) return;
    deps.saveState?.({
      dir: relative(workspace, checkpointDir) || '.',
      prefix: keys.prefix,
      runId: context.run.id,
      attempt: context.run.attempt,
      nextSequence: saver.state.nextSequence,
      lastStored: saver.state.lastStored,
      done,
      ...(storeFailed ? { storeFailed } : {}),
    });
  };
  const onSave = (save: CheckpointSave) => {
    saves.push(save);
    log.line(
      `mlship train: checkpoint ${save.stored ? 'saved' : 'not saved'} (${save.trigger}) as ${save.key}: ${save.files} files, ${save.sizeBytes} bytes in ${formatElapsed(save.durationMs)}`,
    );
    if (!save.stored) storeFailure(save.message ?? 'not stored');
    persist(false);
  };
  if (checkpointDir && deps.store) {
    const existing = await listCheckpoint(checkpointDir);
    if (existing) {
      restoreSkipped = true;
      log.line(
        `mlship train: ${inputs.checkpointDir} already holds ${existing.files} files; resuming from them, nothing restored over them`,
      );
    } else {
      restored = await deps.store.restore(checkpointDir, keys.restorePrefixes);
      if (restored.kind === 'failed') storeFailure(restored.message);
      log.line(
        restored.kind === 'hit'
          ? `mlship train: restored checkpoint ${restored.key} from ${deps.store.description} into ${inputs.checkpointDir}`
          : `mlship train: no checkpoint of ${keys.prefix}* yet; starting from scratch`,
      );
    }
    await mkdir(checkpointDir, { recursive: true });
    // Restored files are stored already: saving them again unchanged would only spend the cache.
    const stored = restored?.kind === 'hit' ? (await listCheckpoint(checkpointDir))?.fingerprint : undefined;
    saver = new CheckpointSaver({
      store: deps.store,
      dir: checkpointDir,
      prefix: keys.prefix,
      run: context.run,
      quietMs: QUIET_MS,
      ...(stored ? { lastStored: stored } : {}),
    });
    persist(false);
  } else if (checkpointDir) {
    await mkdir(checkpointDir, { recursive: true });
  }
  const checkpointReport = (): TrainingReport['checkpoint'] =>
    checkpointDir && deps.store
      ? {
          dir: inputs.checkpointDir!,
          store: deps.store.description,
          restoredFrom:
            restored?.kind === 'hit'
              ? restored.key
              : restoreSkipped
                ? `${inputs.checkpointDir} (already on the runner)`
                : undefined,
          restoreFailure: restored?.kind === 'failed' ? restored.message : undefined,
          saves,
        }
      : undefined;

  const env = commandEnv({
    ...baseEnv,
    ...(checkpointDir
      ? {
          MLSHIP_CHECKPOINT_DIR: checkpointDir,
          MLSHIP_CHECKPOINT_RESTORED: String(restored?.kind === 'hit' || restoreSkipped),
        }
      : {}),
  });
  if (env.withheld.length)
    log.line(
      `mlship train: kept from the command's environment: ${env.withheld.join(', ')} (pass-env names any it needs)`,
    );
  const run = await runOnce(
    env.env,
    `Training: ${inputs.run}`,
    saver ? { saver, intervalMs: inputs.checkpointIntervalMinutes * 60_000, onSave } : undefined,
    checkpointReport,
  );
  const outcome = outcomeOf(run.result);
  if (saver) {
    const last = await saver.save(outcome === 'succeeded' ? 'end' : 'stop');
    if (last) onSave(last);
    persist(!last || last.stored);
    if (saves.length === 0 && !(await listCheckpoint(checkpointDir!)))
      deps.warn(
        `checkpoint-dir ${inputs.checkpointDir} stayed empty: the command wrote no checkpoint there (it gets the path as MLSHIP_CHECKPOINT_DIR), so a preempted job would start over`,
      );
  }
  const checkpoint = checkpointReport();
  const durationMs = performance.now() - started;

  // Metrics: the final metrics file when there is one, else the last value of each stream.
  let final: Record<string, number> = {};
  const finalPath = inputs.finalMetrics ? resolveIn(workspace, inputs.finalMetrics) : undefined;
  if (finalPath && (await stat(finalPath).catch(() => undefined)))
    final = await readFinalMetrics(finalPath, inputs.finalMetrics!);
  else if (finalPath && outcome === 'succeeded')
    throw new UserError(
      `input 'final-metrics': the command succeeded but wrote no ${inputs.finalMetrics}; write it at the end of training or drop the input`,
    );
  const metrics = metricsOf(run.metrics, final);
  const summary = summaryOf(run.telemetry, run.result.durationMs);

  // Outputs, lineage and the report.
  const outputs: OutputFile[] = [];
  let modelPath: string | undefined;
  let failure = failureOf(run.result, outcome, inputs, checkpoint?.saves.at(-1));
  if (inputs.modelPath && outcome === 'succeeded') {
    const produced = resolveIn(workspace, inputs.modelPath);
    if (!(await stat(produced).catch(() => undefined))?.isFile()) {
      failure = `the training command succeeded but wrote no model at ${inputs.modelPath} (input 'model-path'); write the ONNX model there`;
    } else {
      modelPath = await bringInto(outputDir, produced);
      outputs.push({ path: modelPath, role: 'model' });
    }
  }
  const paths = {
    metrics: join(outputDir, 'metrics.json'),
    lineage: join(outputDir, LINEAGE_FILE),
    report: join(outputDir, 'training.md'),
    telemetry: join(outputDir, 'telemetry.json'),
    ...(modelPath ? { model: modelPath } : {}),
  };
  await writeWhole(paths.metrics, `${JSON.stringify(metricsFile(run.metrics, metrics.finalValues), null, 2)}\n`);
  await writeWhole(paths.telemetry, `${JSON.stringify(telemetryFile(summary, run.telemetry), null, 2)}\n`);
  outputs.push({ path: paths.metrics, role: 'metrics' }, { path: paths.telemetry, role: 'other' });
  if (inputs.params)
    outputs.push({ path: await bringInto(outputDir, resolveIn(workspace, inputs.params)), role: 'params' });
  const lineage: Lineage = LineageSchema.parse({
    schemaVersion: 1,
    model: name,
    createdAt: new Date().toISOString(),
    source: {
      ...(context.repository ? { repository: context.repository } : {}),
      ...(context.commit ? { commit: context.commit } : {}),
      ...(context.ref ? { ref: context.ref } : {}),
      ...(context.pullRequest ? { pullRequest: context.pullRequest } : {}),
      ...(context.run.url ? { runUrl: context.run.url } : {}),
      runAttempt: context.run.attempt,
    },
    command: inputs.run,
    configDigest: digest,
    ...(inputs.seed === undefined ? {} : { seed: inputs.seed }),
    deterministic: inputs.deterministic,
    data,
    environment: {
      runner,
      gpus: preflight.gpus.map((g) => ({
        index: g.index,
        name: g.name,
        uuid: g.uuid,
        memoryTotalMiB: g.memoryTotalMiB,
      })),
      ...(probe.kind === 'gpus' && probe.driverVersion ? { gpuDriver: probe.driverVersion } : {}),
      ...(probe.kind === 'gpus' && probe.cudaVersion ? { cudaVersion: probe.cudaVersion } : {}),
      lockfiles,
      ...(inputs.containerImage ? { containerImage: inputs.containerImage } : {}),
    },
    ...(checkpoint
      ? {
          checkpoint: {
            ...(checkpoint.restoredFrom ? { restoredFrom: checkpoint.restoredFrom } : {}),
            saves: checkpoint.saves.filter((s) => s.stored).length,
          },
        }
      : {}),
    outputs: await lineageOutputs(outputDir, outputs),
    metrics: metrics.finalValues,
    params,
    telemetry: {
      gpuHours: summary.gpuHours,
      energyKWh: summary.energyKWh,
      peakGpuMemoryMiB: summary.gpus.reduce<number | null>(
        (max, g) => (g.peakMemoryMiB === null ? max : Math.max(max ?? 0, g.peakMemoryMiB)),
        null,
      ),
    },
  });
  await writeWhole(paths.lineage, `${JSON.stringify(lineage, null, 2)}\n`);
  const finalOutcome: TrainingOutcome = failure && outcome === 'succeeded' ? 'failed' : outcome;
  const report: TrainingReport = {
    ...reportBase,
    outcome: finalOutcome,
    exitCode: run.result.exitCode,
    signal: run.result.signal,
    durationMs,
    ...(failure ? { failure } : {}),
    lastLines: run.result.lastLines,
    metrics,
    telemetry: { ...summary, series: run.telemetry.series },
    ...(checkpoint ? { checkpoint } : {}),
    lineage: { commit: context.commit, data, lockfiles, containerImage: inputs.containerImage, seed: inputs.seed },
  };
  const section = trainingSection(report);
  await writeWhole(paths.report, renderSection(section));
  await deps.writeSummary?.(renderSection(section));
  log.line(
    `mlship train: telemetry took ${run.samplerCost.samples} samples, ${run.samplerCost.meanSampleMs.toFixed(0)} ms each on average`,
  );

  let artifact: TrainResult['artifact'];
  if (!failure && inputs.uploadArtifact && deps.upload) {
    const files = [
      paths.metrics,
      paths.lineage,
      paths.report,
      paths.telemetry,
      ...outputs.filter((o) => o.role === 'model' || o.role === 'params').map((o) => o.path),
    ];
    const uploaded = await deps.upload(inputs.artifactName, files, outputDir, inputs.retentionDays);
    artifact = { name: inputs.artifactName, id: uploaded.id };
    log.line(`mlship train: uploaded artifact ${inputs.artifactName} (${files.length} files)`);
  }
  return {
    outcome: finalOutcome,
    report,
    section,
    outputDir,
    paths,
    ...(artifact ? { artifact } : {}),
    ...(failure ? { failure } : {}),
  };

  /** Two short runs from scratch, compared. */
  async function reproduce(): Promise<TrainResult> {
    const scratch = await mkdtemp(join(context.runner?.temp ?? tmpdir(), 'mlship-reproduce-'));
    try {
      const fingerprints: RunFingerprint[] = [];
      let first: TrainingRun | undefined;
      for (const attempt of [1, 2]) {
        const dir = join(scratch, `run-${attempt}`, 'checkpoints');
        await mkdir(dir, { recursive: true });
        const model = inputs.modelPath ? resolveIn(workspace, inputs.modelPath) : undefined;
        if (model) await rm(model, { force: true });
        const env = commandEnv({
          ...baseEnv,
          MLSHIP_CHECKPOINT_DIR: dir,
          MLSHIP_CHECKPOINT_RESTORED: 'false',
          MLSHIP_REPRODUCIBILITY_RUN: String(attempt),
        });
        const run = await runOnce(env.env, `Reproducibility run ${attempt} of 2: ${inputs.run}`);
        if (outcomeOf(run.result) !== 'succeeded') {
          return finish(
            run,
            outcomeOf(run.result),
            failureOf(run.result, outcomeOf(run.result), inputs, undefined),
            undefined,
          );
        }
        first ??= run;
        const files: RunFingerprint['files'][number][] = [];
        if (model && (await stat(model).catch(() => undefined)))
          files.push({ path: inputs.modelPath!, sha256: (await digestFile(model)).sha256 });
        for (const entry of await readdir(dir, { recursive: true })) {
          const full = join(dir, entry);
          if ((await stat(full)).isFile() && !entry.endsWith('.tmp'))
            files.push({ path: join('$MLSHIP_CHECKPOINT_DIR', entry), sha256: (await digestFile(full)).sha256 });
        }
        const latest = Object.fromEntries(Object.entries(run.metrics.latest()).map(([k, p]) => [k, p.value]));
        fingerprints.push({
          finalMetrics: latest,
          series: Object.fromEntries(run.metrics.names().map((n) => [n, run.metrics.series(n)])),
          files,
        });
      }
      const comparison = compareRuns(fingerprints[0]!, fingerprints[1]!);
      return finish(first!, 'succeeded', undefined, comparison);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async function finish(
    run: TrainingRun,
    outcome: TrainingOutcome,
    failure: string | undefined,
    reproducibility: ReproducibilityReport | undefined,
  ): Promise<TrainResult> {
    const summary = summaryOf(run.telemetry, run.result.durationMs);
    const metrics = metricsOf(run.metrics, {});
    const report: TrainingReport = {
      ...reportBase,
      outcome,
      exitCode: run.result.exitCode,
      signal: run.result.signal,
      durationMs: performance.now() - started,
      ...(failure ? { failure } : {}),
      lastLines: run.result.lastLines,
      metrics,
      telemetry: { ...summary, series: run.telemetry.series },
      ...(reproducibility ? { reproducibility } : {}),
    };
    const section = trainingSection(report);
    const paths = {
      metrics: join(outputDir, 'metrics.json'),
      lineage: join(outputDir, LINEAGE_FILE),
      report: join(outputDir, 'training.md'),
      telemetry: join(outputDir, 'telemetry.json'),
    };
    await writeWhole(paths.metrics, `${JSON.stringify(metricsFile(run.metrics, metrics.finalValues), null, 2)}\n`);
    await writeWhole(paths.telemetry, `${JSON.stringify(telemetryFile(summary, run.telemetry), null, 2)}\n`);
    await writeWhole(paths.report, renderSection(section));
    if (reproducibility)
      await writeWhole(join(outputDir, 'reproducibility.json'), `${JSON.stringify(reproducibility, null, 2)}\n`);
    await deps.writeSummary?.(renderSection(section));
    return {
      outcome,
      report,
      section,
      outputDir,
      paths,
      ...(failure ? { failure } : {}),
      ...(reproducibility ? { reproducibility } : {}),
    };
  }
}

function visibleDevices(
  env: Record<string, string | undefined>,
  probe: { kind: string; tool?: string },
): string | undefined {
  const value =
    probe.kind === 'gpus' && probe.tool === 'rocm-smi' ? env['HIP_VISIBLE_DEVICES'] : env['CUDA_VISIBLE_DEVICES'];
  return value === undefined || value === '' ? undefined : value;
}

function preflightLine(
  preflight: PreflightOutcome,
  probe: { driverVersion?: string | undefined; cudaVersion?: string | undefined } | undefined,
  runner: Lineage['environment']['runner'],
): string {
  const gpus = preflight.gpus.length
    ? `${preflight.gpus.length} × ${preflight.gpus[0]!.name}${probe?.driverVersion ? `, driver ${probe.driverVersion}` : ''}${probe?.cudaVersion ? `, CUDA ${probe.cudaVersion}` : ''}`
    : 'no GPU';
  const pinned = Object.entries(preflight.env)
    .map(([k, v]) => ` (${k}=${v})`)
    .join('');
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `mlship train: preflight passed on ${runner.name ?? 'this machine'}: ${gpus}${pinned}; ${runner.os}, ${runner.cpuCount} × ${runner.cpu}, ${gib(runner.memoryBytes)} RAM${runner.diskFreeBytes === undefined ? '' : `, ${gib(runner.diskFreeBytes)} disk free`}`;
}

function outcomeOf(result: CommandResult): TrainingOutcome {
  if (result.stoppedBy === 'timeout') return 'timed-out';
  if (result.stoppedBy === 'cancelled') return 'cancelled';
  return result.exitCode === 0 ? 'succeeded' : 'failed';
}

function metricsOf(
  log: TrainingRun['metrics'],
  final: Record<string, number>,
): TrainingReport['metrics'] & { finalValues: Record<string, number> } {
  const latest = log.latest();
  const finalEntries = Object.keys(final).length
    ? Object.fromEntries(
        Object.entries(final).map(([k, v]) => [k, { value: v, ...(latest[k] ? { step: latest[k].step } : {}) }]),
      )
    : latest;
  return {
    final: finalEntries,
    finalValues: Object.fromEntries(Object.entries(finalEntries).map(([k, p]) => [k, p.value])),
    series: Object.fromEntries(log.names().map((n) => [n, log.series(n)])),
    skipped: log.skipped,
    skippedExamples: log.skippedExamples,
  };
}

function failureOf(
  result: CommandResult,
  outcome: TrainingOutcome,
  inputs: TrainInputs,
  lastSave: CheckpointSave | undefined,
): string | undefined {
  const saved = lastSave?.stored ? `; its checkpoint was saved as ${lastSave.key}, so a re-run resumes there` : '';
  const after = formatElapsed(result.durationMs);
  switch (outcome) {
    case 'succeeded':
    case 'running':
      return undefined;
    case 'timed-out':
      return `training stopped at its time limit (timeout-minutes: ${inputs.timeoutMinutes}) after ${after}${saved}`;
    case 'cancelled':
      return `training was cancelled after ${after}${saved}`;
    case 'failed': {
      if (result.notFound) {
        const word = inputs.run.trim().split(/\s+/)[0] ?? inputs.run;
        const said = result.lastLines.find((line) => /not found|No such file/i.test(line));
        return `input 'run': '${word}' was not found${said ? ` (${said.trim()})` : ''}; check the command and that its program is installed on this runner`;
      }
      if (result.startError) return `the training command could not start: ${result.startError}`;
      const last = result.lastLines
        .filter((line) => line.trim() !== '')
        .at(-1)
        ?.trim();
      const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
      return `the training command ${how} after ${after}${last ? `: ${last.slice(0, 300)}` : ''}${saved}`;
    }
  }
}
