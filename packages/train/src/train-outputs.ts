// The files a training leaves for the next job: metrics.json (final values
// and the curves), telemetry.json, the params, the model, lineage.json and
// training.md (the report section), all in one output directory that is
// uploaded as the artifact. Every file is written whole or not at all.
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import { z } from 'zod';
import { readConfigFile } from '@mlship/config-file';
import { digestFile, type Lineage } from '@mlship/registry';
import type { MetricsLog } from './metrics-log.ts';
import type { TelemetryRecord } from './telemetry.ts';
import type { TelemetrySummary } from './telemetry-summary.ts';

/** Writes a file under a temporary name and renames it into place. */
export async function writeWhole(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, path);
}

const FinalMetricsSchema = z.union([
  z.object({ metrics: z.record(z.string(), z.number()) }).transform((v) => v.metrics),
  z.record(z.string(), z.number()),
]);

/** A final metrics file: `{"accuracy": 0.91}`, or the numbers under a top-level `metrics` key (JSON or YAML). */
export async function readFinalMetrics(path: string, shown: string): Promise<Record<string, number>> {
  return (await readConfigFile(FinalMetricsSchema, path, { what: 'final metrics', file: shown })).value;
}

type Scalar = string | number | boolean | null;
const ParamsFileSchema = z.record(z.string(), z.unknown());

/** Nested params flattened to dotted names (`optimizer.lr`), as the registry's manifest keeps them. */
export function flattenParams(value: Record<string, unknown>, prefix = ''): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      Object.assign(out, flattenParams(item as Record<string, unknown>, name));
    } else if (Array.isArray(item)) {
      out[name] = JSON.stringify(item);
    } else {
      out[name] = item as Scalar;
    }
  }
  return out;
}

export async function readParams(path: string, shown: string): Promise<Record<string, Scalar>> {
  return flattenParams((await readConfigFile(ParamsFileSchema, path, { what: 'params', file: shown })).value);
}

export interface MetricsFile {
  schemaVersion: 1;
  final: Record<string, number>;
  /** Each metric's curve as [step, value] pairs (thinned when very long). */
  series: Record<string, [number, number][]>;
  skippedLines: number;
}

export function metricsFile(metrics: MetricsLog, final: Record<string, number>): MetricsFile {
  return {
    schemaVersion: 1,
    final,
    series: Object.fromEntries(
      metrics.names().map((name) => [name, metrics.series(name).map((p) => [p.step, p.value])]),
    ),
    skippedLines: metrics.skipped,
  };
}

export function telemetryFile(summary: TelemetrySummary, record: TelemetryRecord): Record<string, unknown> {
  return { schemaVersion: 1, summary, series: record.series };
}

export interface OutputFile {
  path: string;
  role: Lineage['outputs'][number]['role'];
}

/** Copies a file produced elsewhere (the model, the params) into the output directory, under its own name. */
export async function bringInto(outputDir: string, path: string): Promise<string> {
  const dest = join(outputDir, basename(path));
  if (dest !== path) await copyFile(path, dest);
  return dest;
}

export async function lineageOutputs(outputDir: string, files: readonly OutputFile[]): Promise<Lineage['outputs']> {
  const out: Lineage['outputs'] = [];
  for (const file of files) {
    const digest = await digestFile(file.path);
    out.push({
      path: relative(outputDir, file.path),
      role: file.role,
      sha256: digest.sha256,
      sizeBytes: digest.sizeBytes,
    });
  }
  return out;
}

/** The params file's name in the output directory keeps its format's extension. */
export function paramsName(path: string): string {
  return `params${extname(path) || '.yml'}`;
}
