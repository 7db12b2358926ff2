// One registry command (publish, resolve, download, promote, rollback,
// deprecate, history, list) from the action's inputs or the CLI's flags, so
// both entry points do exactly the same thing.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { readConfigFile } from '@mlship/config-file';
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { REPOSITORY_PATTERN } from '@mlship/runner-context';
import { codeBlock, codeSpan, escapeHeading, escapeText, renderTable } from '@mlship/report';
import type { DatasetRef } from './manifest.ts';
import type { PublishFile, RegistryService } from './registry-service.ts';
import { readStagePolicy, type StagePolicy } from './stage-policy.ts';
import { formatModelReference, parseModelReference } from './model-reference.ts';
import { digestFile } from './file-digest.ts';
import { LineageSchema, type Lineage } from './lineage.ts';
import { cardWithLineage } from './lineage-card.ts';

/** The card `publish` attaches when it is given a lineage and no card. */
const LINEAGE_CARD_FILE = 'model-card.md';

const lines = (value: string | undefined) =>
  (value ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

export const RegistryInputsSchema = z.object({
  command: z.enum(['publish', 'resolve', 'download', 'promote', 'rollback', 'deprecate', 'history', 'list']),
  name: z.string().optional(),
  version: z.string().optional(),
  bump: z.enum(['patch', 'minor', 'major']).optional(),
  stage: z.string().optional(),
  /** Model files, one per line (ONNX first in the manifest). */
  files: z.string().optional(),
  card: z.string().optional(),
  metrics: z.string().optional(),
  dataProfile: z.string().optional(),
  /** The calibration summary `mlship monitor calibrate` wrote, for the monitor's label-free estimate. */
  calibration: z.string().optional(),
  /** A JSON or YAML file of training parameters. */
  params: z.string().optional(),
  /** One per line: `id=path` (hashed) or `id=sha256:<hex>`. */
  datasets: z.string().optional(),
  /** The train step's lineage.json: recorded in the manifest and the model card. */
  lineage: z.string().optional(),
  parentVersion: z.string().optional(),
  message: z.string().optional(),
  /**
   * Names the run for idempotent stage changes: a promotion, rollback or
   * deprecation already made under this id is finished, not made again
   * (default in Actions: the workflow run and job).
   */
  operationId: z.string().optional(),
  /** Stage policy file; `.github/mlship-registry.yml` when it exists. */
  policy: z.string().optional(),
  /** Where `download` writes the assets. */
  path: z.string().optional(),
  token: z.string().optional(),
});
export type RegistryInputs = z.infer<typeof RegistryInputsSchema>;

/** The action's inputs: the command's, plus the repository holding the registry. */
export const RegistryActionInputsSchema = RegistryInputsSchema.extend({
  /** owner/name; the workflow's repository when empty. */
  repository: z.string().regex(REPOSITORY_PATTERN, 'expected owner/name, e.g. octo-org/models').optional(),
});

export interface CommandContext {
  cwd: string;
  /** Provenance recorded in the manifest on publish. */
  commit?: string | undefined;
  repository?: string | undefined;
  pullRequest?: number | undefined;
  workflowRunUrl?: string | undefined;
  /** The run, for idempotent stage changes when the inputs name no operation. */
  operationId?: string | undefined;
}

export interface CommandResult {
  /** Step outputs / `--json` fields. */
  outputs: Record<string, string | undefined>;
  /** A few lines for people (job summary, terminal). */
  text: string;
}

export const DEFAULT_POLICY_FILE = '.github/mlship-registry.yml';

/** The stage policy named by the input, or the repository's default file, or none. */
export async function loadStagePolicy(policyPath: string | undefined, cwd: string): Promise<StagePolicy | undefined> {
  const file = policyPath ?? (existsSync(join(cwd, DEFAULT_POLICY_FILE)) ? DEFAULT_POLICY_FILE : undefined);
  if (!file) return undefined;
  return readStagePolicy(resolvePath(cwd, file), file);
}

export async function runRegistryCommand(
  inputs: RegistryInputs,
  registry: RegistryService,
  ctx: CommandContext,
): Promise<CommandResult> {
  const name = () => required(inputs.name, 'name', 'the model name, e.g. churn');
  const operationId = inputs.operationId || ctx.operationId;
  const idempotent = operationId ? { operationId } : {};
  switch (inputs.command) {
    case 'publish': {
      const lineage = inputs.lineage ? await readLineage(inputs.lineage, ctx.cwd) : undefined;
      const published = await registry.publish({
        name: name(),
        ...(inputs.version ? { version: inputs.version } : {}),
        ...(inputs.bump ? { bump: inputs.bump } : {}),
        files: await publishFiles(inputs, ctx.cwd, lineage),
        ...(ctx.commit ? { commit: ctx.commit } : {}),
        ...(ctx.repository ? { repository: ctx.repository } : {}),
        ...(ctx.pullRequest ? { pullRequest: ctx.pullRequest } : {}),
        ...(ctx.workflowRunUrl ? { workflowRunUrl: ctx.workflowRunUrl } : {}),
        // What the inputs do not name comes from the lineage: the data, params and metrics of the training.
        datasets: inputs.datasets || !lineage ? await datasetRefs(inputs.datasets, ctx.cwd) : lineageDatasets(lineage),
        ...(inputs.params
          ? { params: await readParams(inputs.params, ctx.cwd) }
          : lineage
            ? { params: lineage.params }
            : {}),
        ...(inputs.metrics
          ? { metrics: await readMetrics(inputs.metrics, ctx.cwd) }
          : lineage
            ? { metrics: lineage.metrics }
            : {}),
        ...(inputs.parentVersion ? { parentVersion: inputs.parentVersion } : {}),
        ...(lineage ? { lineage } : {}),
      });
      return {
        outputs: {
          version: published.version,
          tag: published.tag,
          releaseUrl: published.url,
          manifest: JSON.stringify(published.manifest),
          created: String(published.created),
        },
        text: `${published.created ? 'published' : 'already published (same content)'} ${published.tag}: ${published.url}`,
      };
    }
    case 'resolve':
    case 'download': {
      const reference = referenceOf(inputs, name());
      if (inputs.command === 'resolve') {
        const r = await registry.resolve(reference);
        return {
          outputs: {
            version: r.version,
            tag: r.tag,
            releaseUrl: r.url,
            manifest: JSON.stringify(r.manifest),
            stages: r.stages.join(','),
            sha256: r.manifest.assets[0]!.sha256,
          },
          text: `${reference} -> ${r.tag} (${r.url})${r.stages.length ? ` holds ${r.stages.join(', ')}` : ''}`,
        };
      }
      const dest = resolvePath(ctx.cwd, inputs.path ?? 'model');
      const { resolved, files } = await registry.download(reference, dest, lines(inputs.files));
      return {
        outputs: {
          version: resolved.version,
          tag: resolved.tag,
          releaseUrl: resolved.url,
          manifest: JSON.stringify(resolved.manifest),
          path: dest,
          modelPath: files[0],
        },
        text: `downloaded ${resolved.tag} to ${dest} (${files.length} files, sha256 verified)`,
      };
    }
    case 'promote': {
      const r = await registry.promote({
        name: name(),
        version: required(inputs.version, 'version', 'the version to promote, e.g. v1.2.0'),
        stage: required(inputs.stage, 'stage', 'the stage, e.g. prod'),
        ...(inputs.message ? { message: inputs.message } : {}),
        ...idempotent,
      });
      return {
        outputs: {
          version: r.version,
          tag: r.tag,
          stage: r.stage,
          previousVersion: r.previousVersion,
          changed: String(r.tag !== undefined),
        },
        text: r.tag
          ? `${r.name}@${r.stage}: ${r.previousVersion ?? '(none)'} -> ${r.version} (${r.tag})`
          : `${r.name}@${r.stage} is already ${r.version}`,
      };
    }
    case 'rollback': {
      const r = await registry.rollback({
        name: name(),
        stage: required(inputs.stage, 'stage', 'the stage to roll back, e.g. prod'),
        ...(inputs.message ? { message: inputs.message } : {}),
        ...idempotent,
      });
      return {
        outputs: {
          version: r.version,
          tag: r.tag,
          stage: r.stage,
          previousVersion: r.previousVersion,
          changed: 'true',
        },
        text: `${r.name}@${r.stage} rolled back: ${r.previousVersion} -> ${r.version} (${r.tag})`,
      };
    }
    case 'deprecate': {
      const r = await registry.deprecate({
        name: name(),
        ...(inputs.version ? { version: inputs.version } : {}),
        ...(inputs.message ? { message: inputs.message } : {}),
        ...idempotent,
      });
      const what = r.version ? `${r.name}@${r.version}` : `model ${r.name}`;
      return {
        outputs: { version: r.version, tag: r.tag, changed: String(r.tag !== undefined) },
        text: r.tag
          ? `deprecated ${what} (${r.tag})${r.stagesLeft.length ? `; it left ${r.stagesLeft.join(', ')}` : ''}`
          : `${what} was already deprecated`,
      };
    }
    case 'history': {
      const entries = await registry.history(name());
      const table = entries.map(
        (e) =>
          `${String(e.counter).padStart(4)}  ${e.createdAt}  ${e.actor.padEnd(16)} ${e.tag.padEnd(28)} ${e.commit.slice(0, 12)}${e.message ? `  ${e.message}` : ''}`,
      );
      return {
        outputs: { history: JSON.stringify(entries), count: String(entries.length) },
        text: table.join('\n') || `no events for ${inputs.name}`,
      };
    }
    case 'list': {
      const models = await registry.list(inputs.name);
      const text = models.map((m) => {
        const stages = Object.entries(m.stages)
          .map(([s, v]) => `${s}=${v}`)
          .join(' ');
        return `${m.name}${m.deprecated ? ' (deprecated)' : ''}: ${m.versions.length} versions, latest ${m.latest ?? '-'}${stages ? `; ${stages}` : ''}`;
      });
      return { outputs: { models: JSON.stringify(models) }, text: text.join('\n') || 'the registry is empty' };
    }
  }
}

function required(value: string | undefined, input: string, what: string): string {
  if (!value) throw new InputError(`input '${input}' is required for this command: give ${what}`);
  return value;
}

function referenceOf(inputs: RegistryInputs, name: string): string {
  if (inputs.stage && inputs.version)
    throw new InputError(`give stage or version to choose a version of ${name}, not both`);
  if (inputs.stage) return formatModelReference(parseModelReference(`${name}@${inputs.stage}`, 'stage'));
  if (inputs.version) return formatModelReference(parseModelReference(`${name}@${inputs.version}`, 'version'));
  return `${name}@latest`;
}

function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : join(cwd, path);
}

async function publishFiles(inputs: RegistryInputs, cwd: string, lineage: Lineage | undefined): Promise<PublishFile[]> {
  const files: PublishFile[] = lines(inputs.files).map((p) => ({ path: resolvePath(cwd, p), role: 'model' }));
  if (files.length === 0)
    throw new InputError(`input 'files' is required to publish: list the model file(s), e.g. model.onnx`);
  if (lineage) files.push(await lineageCard(inputs, cwd, lineage));
  else if (inputs.card) files.push({ path: resolvePath(cwd, inputs.card), role: 'card' });
  if (inputs.metrics) files.push({ path: resolvePath(cwd, inputs.metrics), role: 'metrics' });
  if (inputs.dataProfile) files.push({ path: resolvePath(cwd, inputs.dataProfile), role: 'data-profile' });
  if (inputs.calibration) files.push({ path: resolvePath(cwd, inputs.calibration), role: 'calibration' });
  return files;
}

async function readLineage(path: string, cwd: string): Promise<Lineage> {
  return (await readConfigFile(LineageSchema, resolvePath(cwd, path), { what: 'lineage', file: path })).value;
}

/** The card with the lineage section added; without a card, one made of the section alone. */
async function lineageCard(inputs: RegistryInputs, cwd: string, lineage: Lineage): Promise<PublishFile> {
  const path = resolvePath(cwd, inputs.card ?? LINEAGE_CARD_FILE);
  let card = `# ${escapeHeading(inputs.name ?? lineage.model)}\n`;
  if (inputs.card) {
    try {
      card = await readFile(path, 'utf8');
    } catch (error) {
      throw new InputError(
        `input 'card': ${inputs.card} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); give the path of the model card (markdown)`,
      );
    }
  }
  return { path, role: 'card', bytes: new TextEncoder().encode(cardWithLineage(card, lineage)) };
}

/** The training data as the manifest's datasets: named by path, with their digest when the lineage has one. */
function lineageDatasets(lineage: Lineage): DatasetRef[] {
  return lineage.data.map((d) => ({ id: d.path, uri: d.path, ...(d.sha256 ? { sha256: d.sha256 } : {}) }));
}

/** Training parameters: a flat map of names to scalars. */
const ParamsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

async function readParams(path: string, cwd: string): Promise<Record<string, string | number | boolean | null>> {
  return (await readConfigFile(ParamsSchema, resolvePath(cwd, path), { what: 'params', file: path })).value;
}

/** The numbers of a metrics file: a flat map, or the numbers under a top-level `metrics` key. */
async function readMetrics(path: string, cwd: string): Promise<Record<string, number>> {
  const raw = (
    await readConfigFile(z.record(z.string(), z.unknown()), resolvePath(cwd, path), { what: 'metrics', file: path })
  ).value;
  const source = (raw.metrics && typeof raw.metrics === 'object' ? raw.metrics : raw) as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(source)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

async function datasetRefs(value: string | undefined, cwd: string): Promise<DatasetRef[]> {
  const refs: DatasetRef[] = [];
  for (const line of lines(value)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError(`datasets: '${line}' must be id=path or id=sha256:<hex>`);
    const id = line.slice(0, eq);
    const target = line.slice(eq + 1);
    const pinned = /^sha256:([0-9a-f]{64})$/.exec(target);
    if (pinned) refs.push({ id, sha256: pinned[1]! });
    else refs.push({ id, uri: target, sha256: (await digestFile(resolvePath(cwd, target))).sha256 });
  }
  return refs;
}

/** Markdown for the job summary: the result line, and for a version its assets and checksums. */
export function commandSummary(command: RegistryInputs['command'], result: CommandResult): string {
  // The text and the manifest name files, versions and messages from the user
  // and from a downloaded release: each is escaped for where it lands.
  const parts = [`### mlship registry ${escapeText(command)}`, codeBlock(result.text)];
  const manifest = result.outputs.manifest
    ? (JSON.parse(result.outputs.manifest) as {
        assets: { name: string; role: string; sizeBytes: number; sha256: string }[];
      })
    : undefined;
  if (manifest && (command === 'publish' || command === 'resolve' || command === 'download')) {
    parts.push(
      renderTable(
        ['asset', 'role', 'bytes', 'sha256'],
        manifest.assets.map((a) => [a.name, a.role, a.sizeBytes, { markdown: codeSpan(a.sha256, { table: true }) }]),
        { align: ['left', 'left', 'right', 'left'] },
      ),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
