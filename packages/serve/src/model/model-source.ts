// Where a served model comes from: a file, or a registry reference
// (NAME@prod, NAME@v1.2.0) downloaded with its checksums verified, as
// validate does. A stage reference is followed: its version is re-read on
// every check, so a promotion reaches the server without a restart.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { InputError } from '@mlship/errors';
import {
  currentVersion,
  safeParseModelReference,
  parseModelReference,
  type ModelReference,
  type RegistryService,
} from '@mlship/registry';
import { loadServedModel, type ServedModel, type Task } from './served-model.ts';

export type ModelSource =
  { kind: 'file'; path: string } | { kind: 'registry'; reference: ModelReference; text: string };

/** A --model/--canary value: a registry reference unless a file of that name exists (paths resolve against cwd). */
export function parseModelSource(text: string, flag: string, cwd: string): ModelSource {
  const path = resolve(cwd, text);
  if (existsSync(path)) return { kind: 'file', path };
  // Not a file: a reference, or one line in the grammar's words on why it is not one.
  if (safeParseModelReference(text).success || /[@#]/.test(text))
    return { kind: 'registry', reference: parseModelReference(text, flag), text };
  return { kind: 'file', path };
}

/** Downloads one registry version's model (checksum-verified) and loads it; the download is removed after. */
export async function loadRegistryModel(
  registry: RegistryService,
  reference: string,
  task: Task | undefined,
): Promise<ServedModel> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-serve-'));
  try {
    const { resolved, files } = await registry.download(reference, dir, { role: 'model' });
    const file = files.find((f) => f.toLowerCase().endsWith('.onnx')) ?? files[0]!;
    return await loadServedModel({
      name: resolved.name,
      version: resolved.version,
      source: `${resolved.tag}/${basename(file)}`,
      bytes: new Uint8Array(await readFile(file)),
      ...(task ? { task } : {}),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function loadSource(
  source: ModelSource,
  options: { registry: RegistryService | undefined; name: string | undefined; task: Task | undefined; flag: string },
): Promise<ServedModel> {
  if (source.kind === 'file') {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(source.path));
    } catch (error) {
      throw new InputError(
        `${options.flag} ${source.path}: cannot read the model file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give an .onnx file or a registry reference such as churn@prod`,
      );
    }
    return loadServedModel({
      name: options.name ?? basename(source.path).replace(/\.onnx$/i, ''),
      source: source.path,
      bytes,
      ...(options.task ? { task: options.task } : {}),
    });
  }
  if (!options.registry)
    throw new InputError(`${options.flag} ${source.text} is a registry reference; give --registry`);
  return loadRegistryModel(options.registry, source.text, options.task);
}

/** The versions holding the stages that the served references follow, read from the registry's head. */
export async function stageVersions(
  registry: RegistryService,
  name: string,
  stages: { prod?: string | undefined; canary?: string | undefined },
): Promise<{ prod?: string | undefined; canary?: string | undefined }> {
  const head = await registry.latestEvent(name);
  if (!head) return {};
  return {
    ...(stages.prod ? { prod: currentVersion(head.state, stages.prod) } : {}),
    ...(stages.canary ? { canary: currentVersion(head.state, stages.canary) } : {}),
  };
}
