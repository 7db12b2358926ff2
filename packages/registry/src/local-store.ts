// The registry in a directory (default `.mlship/registry`), safe for several
// processes at once: every file appears complete or not at all (written
// aside, then renamed or hard-linked into place), an event's counter is taken
// by link(2), which fails when the name exists, and a version is claimed by
// renaming its staged directory, which fails when the version exists.
//
//   models/<name>/events/0000000001.json   append-only event log (one file per counter)
//   models/<name>/head.json                newest event (a cache readers verify)
//   models/<name>/staging/<version>-<digest>/   assets of a publish in progress
//   models/<name>/versions/<version>/           published assets + version.json
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MANIFEST_ASSET } from './manifest.ts';
import { RegistryEventSchema, type RegistryEvent } from './registry-event.ts';
import type {
  ClaimRequest,
  ClaimResult,
  RegistrationRequest,
  RegistryStore,
  StageRequest,
  StoredVersion,
  VersionClaim,
} from './registry-store.ts';
import { digestBytes } from './file-digest.ts';
import { modelOfSegment, modelSegment } from './tag-grammar.ts';

const VersionRecordSchema = z.object({
  contentDigest: z.string(),
  commit: z.string(),
  /** Absent in versions published before versions had their own commit. */
  registrationCommit: z.string().optional(),
  /** Asset name -> sha256 recorded when staged: the local counterpart of GitHub's asset digest. */
  assets: z.record(z.string(), z.object({ sha256: z.string(), sizeBytes: z.number() })),
});
type VersionRecord = z.infer<typeof VersionRecordSchema>;

export interface LocalStoreOptions {
  /** The commit recorded when a publish names none (the CLI passes `git rev-parse HEAD`). */
  defaultCommit?: () => Promise<string>;
  /** Checks that passed on a commit; the local registry has no CI to ask. */
  passedChecks?: (commit: string) => Promise<string[]>;
}

export class LocalStore implements RegistryStore {
  readonly location: string;
  private readonly root: string;
  private readonly options: LocalStoreOptions;

  constructor(root: string, options: LocalStoreOptions = {}) {
    this.root = root;
    this.location = `local:${root}`;
    this.options = options;
  }

  private modelDir(name: string): string {
    // Names may contain '/', which must not become directory levels.
    return join(this.root, 'models', modelSegment(name));
  }

  private eventPath(name: string, counter: number): string {
    return join(this.modelDir(name), 'events', `${String(counter).padStart(10, '0')}.json`);
  }

  async readHead(name: string): Promise<RegistryEvent | null> {
    return readEventFile(join(this.modelDir(name), 'head.json'));
  }

  async readEvent(name: string, counter: number): Promise<RegistryEvent | null> {
    return readEventFile(this.eventPath(name, counter));
  }

  async appendEvent(event: RegistryEvent): Promise<boolean> {
    const target = this.eventPath(event.name, event.counter);
    const temp = await this.writeAside(join(this.modelDir(event.name), 'events'), JSON.stringify(event));
    try {
      await link(temp, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async ensureGtoTag(): Promise<void> {
    // The local log is the only record: nothing separate to repair.
  }

  async writeHead(event: RegistryEvent): Promise<void> {
    const dir = this.modelDir(event.name);
    const temp = await this.writeAside(dir, JSON.stringify(event));
    await rename(temp, join(dir, 'head.json'));
  }

  async listEvents(name: string): Promise<RegistryEvent[]> {
    const dir = join(this.modelDir(name), 'events');
    const files = (await readdirOrEmpty(dir)).filter((f) => /^\d{10}\.json$/.test(f)).sort();
    const events: RegistryEvent[] = [];
    for (const f of files) {
      const event = await readEventFile(join(dir, f));
      if (event) events.push(event);
    }
    return events;
  }

  async listNames(): Promise<string[]> {
    return (await readdirOrEmpty(join(this.root, 'models'))).map(modelOfSegment).sort();
  }

  async readVersion(name: string, version: string): Promise<StoredVersion | null> {
    const dir = join(this.modelDir(name), 'versions', version);
    const record = await readVersionRecord(dir);
    return record ? toStoredVersion(name, version, dir, record, true) : null;
  }

  async readClaim(name: string, version: string): Promise<VersionClaim | null> {
    // A version is claimed by renaming its staging directory, version.json and all, into place.
    const record = await readVersionRecord(join(this.modelDir(name), 'versions', version));
    return record ? { commit: record.registrationCommit ?? record.commit, contentDigest: record.contentDigest } : null;
  }

  async registrationCommit(req: RegistrationRequest): Promise<string> {
    // No git here: an id derived from what makes the version, distinct per version like
    // the GitHub registry's registration commits, and the same for a re-run.
    return createHash('sha1')
      .update(['mlship registration', req.name, req.version, req.sourceCommit, req.contentDigest].join('\0'))
      .digest('hex');
  }

  async findStagedVersion(name: string, contentDigest: string): Promise<string | null> {
    const suffix = `-${contentDigest.slice(0, 16)}`;
    const staged = (await readdirOrEmpty(join(this.modelDir(name), 'staging'))).find((d) => d.endsWith(suffix));
    return staged ? staged.slice(0, -suffix.length) : null;
  }

  private stagingDir(name: string, version: string, contentDigest: string): string {
    return join(this.modelDir(name), 'staging', `${version}-${contentDigest.slice(0, 16)}`);
  }

  async stageVersion(req: StageRequest): Promise<Uint8Array> {
    const dir = this.stagingDir(req.name, req.version, req.contentDigest);
    await mkdir(dir, { recursive: true });
    const assets: VersionRecord['assets'] = {};
    for (const file of req.files) {
      const target = join(dir, file.name);
      assets[file.name] = { sha256: file.sha256, sizeBytes: file.sizeBytes };
      if ((await stat(target).catch(() => null))?.size === file.sizeBytes) continue; // a previous run copied it whole
      const temp = join(dir, `.${file.name}.${randomBytes(6).toString('hex')}`);
      if (file.path) await copyFile(file.path, temp);
      else await writeFile(temp, file.bytes!);
      await rename(temp, target);
    }
    const manifestPath = join(dir, MANIFEST_ASSET);
    const manifest = (await readFile(manifestPath).catch(() => null)) ?? req.manifest;
    if (manifest === req.manifest) await rename(await this.writeAside(dir, manifest), manifestPath);
    const m = digestBytes(MANIFEST_ASSET, manifest);
    assets[MANIFEST_ASSET] = { sha256: m.sha256, sizeBytes: m.sizeBytes };
    const record: VersionRecord = {
      contentDigest: req.contentDigest,
      commit: req.commit,
      registrationCommit: req.registrationCommit,
      assets,
    };
    await rename(await this.writeAside(dir, JSON.stringify(record, null, 2)), join(dir, 'version.json'));
    return manifest;
  }

  async claimVersion({ name, version, commit, contentDigest }: ClaimRequest): Promise<ClaimResult> {
    const target = join(this.modelDir(name), 'versions', version);
    await mkdir(join(this.modelDir(name), 'versions'), { recursive: true });
    try {
      // rename(2) onto an existing non-empty directory fails: the version is taken atomically.
      await rename(this.stagingDir(name, version, contentDigest), target);
      return { result: 'claimed', commit };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
      const existing = await readVersionRecord(target);
      if (!existing) throw error;
      if (existing.contentDigest !== contentDigest) return { result: 'other' };
      await rm(this.stagingDir(name, version, contentDigest), { recursive: true, force: true });
      return { result: 'ours', commit: existing.registrationCommit ?? existing.commit };
    }
  }

  async discardStaged(name: string, version: string, contentDigest: string): Promise<void> {
    await rm(this.stagingDir(name, version, contentDigest), { recursive: true, force: true });
  }

  async publishVersion(name: string, version: string): Promise<string> {
    // The claim's rename already made the version visible.
    return join(this.modelDir(name), 'versions', version);
  }

  async readAsset(name: string, version: string, asset: string): Promise<AsyncIterable<Uint8Array>> {
    return createReadStream(join(this.modelDir(name), 'versions', version, asset));
  }

  async passedChecks(commit: string): Promise<string[]> {
    return this.options.passedChecks ? this.options.passedChecks(commit) : [];
  }

  async defaultCommit(): Promise<string> {
    return this.options.defaultCommit ? this.options.defaultCommit() : 'unknown';
  }

  private async writeAside(dir: string, content: string | Uint8Array): Promise<string> {
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    await writeFile(temp, content);
    return temp;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => !f.startsWith('.'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readEventFile(path: string): Promise<RegistryEvent | null> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  return text === null ? null : RegistryEventSchema.parse(JSON.parse(text));
}

async function readVersionRecord(dir: string): Promise<VersionRecord | null> {
  const text = await readFile(join(dir, 'version.json'), 'utf8').catch(() => null);
  return text === null ? null : VersionRecordSchema.parse(JSON.parse(text));
}

function toStoredVersion(
  name: string,
  version: string,
  dir: string,
  record: VersionRecord,
  published: boolean,
): StoredVersion {
  return {
    name,
    version,
    published,
    url: dir,
    contentDigest: record.contentDigest,
    commit: record.commit,
    assets: Object.entries(record.assets).map(([asset, a]) => ({
      name: asset,
      sizeBytes: a.sizeBytes,
      digest: `sha256:${a.sha256}`,
    })),
  };
}
