// `actions/monitor` and `mlship monitor`, one code path: read the inputs'
// files once, resolve the prod version through the registry (its reference
// profile, calibration summary and age), judge the window, write the report
// and the verdict, and keep the model's tracking issue in step.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { BooleanInput } from '@mlship/actions-kit/boolean-input';
import { FileFormatError, InputError } from '@mlship/errors';
import { parseProfile, type Profile } from '@mlship/data';
import { safeParseModelReference, type RegistryService, type ResolvedVersion } from '@mlship/registry';
import { FEATURE_NAMES_METADATA_KEY, readOnnxMetadata, readOnnxSignature } from '@mlship/onnx/signature';
import { checkOutputDirectory, writeOutputFiles } from '@mlship/output-files';
import { renderSection } from '@mlship/report';
import type { GitHubClient, RepoRef } from '@mlship/github';
import { CalibrationSummarySchema, type CalibrationSummary } from './calibration.ts';
import { readMonitorPolicy } from './monitor-policy.ts';
import { monitorWindow, type MonitorOutcome } from './monitor-window.ts';
import { monitorState, syncTrackingIssue, type TrackingResult } from './tracking-issue.ts';
import { servedLogDir, writeServedWindow } from './served-log.ts';

const OUTPUT_DIR = { what: 'output directory', setBy: "--output-dir, action input 'output-dir'" };

/** The action's inputs (kebab-case in action.yml) and the CLI's flags. */
export const MonitorInputsSchema = z.object({
  /** Served rows of the window: a Parquet, CSV or JSON Lines file, or a glob; or mlship serve's data directory. */
  data: z.string({ error: 'is required' }),
  policy: z.string({ error: 'is required' }),
  /** The model's name in the registry (churn), as every action's `model` input. */
  model: z.string({ error: 'is required' }),
  /** The stage whose version is in production: the registry resolves model@stage (default prod). */
  stage: z.string().optional(),
  referenceProfile: z.string().optional(),
  calibration: z.string().optional(),
  registry: z.string().optional(),
  trackingIssue: BooleanInput.default(true),
  /** When data is mlship serve's data directory, the window is the last this many hours of its log, */
  windowHours: z.coerce.number().positive().default(24),
  /** or the time since this moment (ISO 8601) when given. */
  since: z.iso.datetime({ offset: true }).optional(),
  outputDir: z.string().default('mlship-monitor'),
  token: z.string().optional(),
});
export type MonitorInputs = z.infer<typeof MonitorInputsSchema>;

export interface MonitorDeps {
  cwd: string;
  now: Date;
  /** Opens the registry a model reference resolves in; built by the entry, called only when needed. */
  registry?: () => Promise<RegistryService>;
  /** The repository of the tracking issue, and the client that writes it. */
  github?: { client: GitHubClient; repo: RepoRef; runUrl?: string | undefined };
  /** Says something the run goes on after (an annotation in Actions, stderr in a terminal). */
  warn?: (message: string) => void;
}

export interface MonitorResult {
  outcome: MonitorOutcome;
  model: string;
  version: string | null;
  /** The report section, for the job summary (written to reportPath too unless the run failed). */
  markdown: string;
  reportPath: string | null;
  resultPath: string | null;
  tracking: TrackingResult | null;
  /** Whether the run should fail: a window without traffic under `on_no_traffic: fail`. */
  failed: string | null;
}

interface ProdVersion {
  name: string;
  version: string | null;
  createdAt: string | null;
  reference: Profile;
  calibration: CalibrationSummary | null;
  /** Each input tensor's feature columns, read from the model when the window is mlship serve's log. */
  inputColumns: ReadonlyMap<string, readonly string[]>;
}

const HOUR_MS = 3_600_000;

export async function runMonitor(inputs: MonitorInputs, deps: MonitorDeps): Promise<MonitorResult> {
  const at = (p: string) => (isAbsolute(p) ? p : resolve(deps.cwd, p));
  const outputDir = at(inputs.outputDir);
  await checkOutputDirectory(outputDir, OUTPUT_DIR);
  const policy = await readMonitorPolicy(at(inputs.policy), inputs.policy);
  const logDir = await servedLogDir(at(inputs.data));
  const prod = await resolveProd(inputs, deps, at, logDir !== null);
  const work = logDir ? await mkdtemp(join(tmpdir(), 'mlship-monitor-window-')) : undefined;
  let outcome: MonitorOutcome;
  try {
    let data: string | null = at(inputs.data);
    if (logDir && work) {
      data = join(work, 'served.jsonl');
      const until = deps.now;
      const since = inputs.since ? new Date(inputs.since) : new Date(until.getTime() - inputs.windowHours * HOUR_MS);
      const { rows } = await writeServedWindow({
        dir: logDir,
        model: prod.name,
        version: prod.version!,
        since,
        until,
        inputColumns: prod.inputColumns,
        policy,
        out: data,
      });
      if (rows === 0) data = null;
    }
    outcome = await monitorWindow({
      model: prod.name,
      version: prod.version,
      data,
      dataLabel: inputs.data,
      policy,
      reference: prod.reference,
      calibration: prod.calibration,
      modelCreatedAt: prod.createdAt,
      now: deps.now,
    });
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
  const markdown = renderSection(outcome.section);
  const failed =
    outcome.verdict.status === 'no-traffic' && policy.on_no_traffic === 'fail'
      ? `no traffic: '${inputs.data}' holds no served rows for ${prod.name}; check that the model is serving and the window's path, or set on_no_traffic: warn in ${inputs.policy}`
      : null;
  const result = {
    schemaVersion: 1,
    model: prod.name,
    version: prod.version,
    data: inputs.data,
    status: outcome.verdict.status,
    retrain: outcome.verdict.triggers.length > 0,
    triggers: outcome.verdict.triggers,
    estimateReliable: outcome.verdict.estimateReliable,
    quality: outcome.verdict.quality,
    calibration: outcome.evidence.calibration,
    rows: outcome.evidence.rows,
    labelledRows: outcome.evidence.labelledRows,
    modelAgeDays: outcome.evidence.modelAgeDays,
    notes: outcome.verdict.notes,
  };
  // A failed run leaves no files (its report is in the job summary): nothing half-done to pick up.
  if (!failed)
    await writeOutputFiles(
      outputDir,
      { 'monitor.md': markdown, 'monitor.json': `${JSON.stringify(result, null, 2)}\n` },
      OUTPUT_DIR,
    );
  const tracking =
    deps.github && inputs.trackingIssue
      ? await syncTrackingIssue(deps.github.client, deps.github.repo, {
          model: prod.name,
          state: monitorState(prod.name, outcome.verdict),
          markdown,
          runUrl: deps.github.runUrl,
        })
      : null;
  return {
    outcome,
    model: prod.name,
    version: prod.version,
    markdown,
    reportPath: failed ? null : join(outputDir, 'monitor.md'),
    resultPath: failed ? null : join(outputDir, 'monitor.json'),
    tracking,
    failed,
  };
}

const isReference = (model: string) => /[@#]/.test(model);

/** The registry reference of the production version: model at stage, prod by default. */
function prodReference(inputs: MonitorInputs, warn: MonitorDeps['warn']): string {
  if (isReference(inputs.model)) {
    // The earlier spelling, NAME@STAGE in model: still read, with the way to move to model and stage.
    const parsed = safeParseModelReference(inputs.model);
    if (!parsed.success) throw new InputError(`model ${parsed.error}`);
    const { name } = parsed.data;
    if (inputs.stage !== undefined)
      throw new InputError(`model '${inputs.model}' names a stage and so does stage; give model: ${name}`);
    const stage = parsed.data.kind === 'stage' ? parsed.data.stage : 'the stage that holds it';
    warn?.(`model '${inputs.model}': model takes the model's name now; give model: ${name} and stage: ${stage}`);
    return inputs.model;
  }
  const reference = `${inputs.model}@${inputs.stage ?? 'prod'}`;
  const parsed = safeParseModelReference(reference);
  if (!parsed.success)
    throw new InputError(`model '${inputs.model}' and stage '${inputs.stage ?? 'prod'}': ${parsed.error}`);
  return reference;
}

async function resolveProd(
  inputs: MonitorInputs,
  deps: MonitorDeps,
  at: (p: string) => string,
  servedLog: boolean,
): Promise<ProdVersion> {
  // A reference profile stands in for the registry unless a stage is asked for or the
  // served log is read (its version picks the rows, its model names the feature columns).
  if (!isReference(inputs.model) && inputs.stage === undefined && inputs.referenceProfile && !servedLog)
    return {
      name: inputs.model,
      version: null,
      createdAt: null,
      reference: await readProfile(at(inputs.referenceProfile), inputs.referenceProfile),
      calibration: inputs.calibration ? await readCalibration(at(inputs.calibration), inputs.calibration) : null,
      inputColumns: new Map(),
    };
  const reference = prodReference(inputs, deps.warn);
  if (!deps.registry) throw new InputError(`model '${reference}' needs a registry to resolve; give registry`);
  const registry = await deps.registry();
  const resolved = await registry.resolve(reference);
  const dir = await mkdtemp(join(tmpdir(), 'mlship-monitor-'));
  try {
    return await downloadProd(inputs, reference, registry, resolved, dir, at, servedLog);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function downloadProd(
  inputs: MonitorInputs,
  reference: string,
  registry: RegistryService,
  resolved: ResolvedVersion,
  dir: string,
  at: (p: string) => string,
  servedLog: boolean,
): Promise<ProdVersion> {
  let profile: Profile;
  if (inputs.referenceProfile) profile = await readProfile(at(inputs.referenceProfile), inputs.referenceProfile);
  else {
    if (!resolved.manifest.assets.some((a) => a.role === 'data-profile'))
      throw new InputError(
        `${resolved.tag} has no data-profile asset to compare the served rows with; publish the training data's profile with the version (mlship data profile), or give reference-profile`,
      );
    const { files } = await registry.download(reference, dir, { role: 'data-profile' });
    profile = await readProfile(files[0]!, `${resolved.tag}'s data profile`);
  }
  let calibration: CalibrationSummary | null = null;
  if (inputs.calibration) calibration = await readCalibration(at(inputs.calibration), inputs.calibration);
  else if (resolved.manifest.assets.some((a) => a.role === 'calibration')) {
    const { files } = await registry.download(reference, dir, { role: 'calibration' });
    calibration = await readCalibration(files[0]!, `${resolved.tag}'s calibration`);
  }
  let inputColumns: ReadonlyMap<string, readonly string[]> = new Map();
  if (servedLog) {
    const { files } = await registry.download(reference, dir, { role: 'model' });
    inputColumns = inputColumnsOf(await readFile(files[0]!), `${resolved.tag}'s model`);
  }
  return {
    name: resolved.name,
    version: resolved.version,
    createdAt: resolved.manifest.createdAt,
    reference: profile,
    calibration,
    inputColumns,
  };
}

/** The feature names an [N, F] input was exported with, as mlship serve names its columns. */
function inputColumnsOf(bytes: Uint8Array, file: string): Map<string, string[]> {
  const signature = readOnnxSignature(bytes, file);
  let names: unknown;
  try {
    names = JSON.parse(readOnnxMetadata(bytes)[FEATURE_NAMES_METADATA_KEY] ?? 'null');
  } catch {
    names = null;
  }
  const [input, ...others] = signature.inputs;
  if (!input || others.length > 0 || !Array.isArray(names) || !names.every((n) => typeof n === 'string'))
    return new Map();
  return new Map([[input.name, names as string[]]]);
}

async function readProfile(path: string, file: string): Promise<Profile> {
  return parseProfile(await readText(path, file, 'reference profile'), file);
}

async function readCalibration(path: string, file: string): Promise<CalibrationSummary> {
  const text = await readText(path, file, 'calibration summary');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FileFormatError(`${file}: is not JSON; give the calibration summary 'mlship monitor calibrate' writes`, {
      location: { file },
    });
  }
  const parsed = CalibrationSummarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FileFormatError(
      `${file}: ${issue.path.join('.') || 'the file'}: ${issue.message}; give the calibration summary 'mlship monitor calibrate' writes`,
      { location: { file } },
    );
  }
  return parsed.data;
}

async function readText(path: string, file: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? `${what} '${file}' does not exist; check the path` : `cannot read ${what} '${file}': ${code}`,
    );
  }
}
