// Every registry rule, over a RegistryStore: publish (draft, upload, claim,
// publish, log), resolve in a bounded number of store reads, stage changes as
// events whose counter is taken atomically, and verified downloads.
import { readFile } from 'node:fs/promises';
import { FileFormatError, InputError } from '@mlship/errors';
import { checkOutputDirectory } from '@mlship/output-files';
import {
  contentDigest,
  ManifestSchema,
  serializeManifest,
  type AssetRole,
  type DatasetRef,
  type Manifest,
  type ModelSignature,
} from './manifest.ts';
import { RegistryConflictError, RegistryRuleError, NotFoundError, NoVersionYetError } from './registry-errors.ts';
import { wholeSeconds, type RegistryEvent } from './registry-event.ts';
import { currentVersion, EMPTY_STATE, latestVersion, stageMap, type RegistryState } from './registry-state.ts';
import type { RegistryStore, StagedFile, StoredVersion } from './registry-store.ts';
import { checkActor, checkPromotion, DEFAULT_POLICY, stageRule, type StagePolicy } from './stage-policy.ts';
import { assertModelName, assertStageName, assertVersionTagFits, normalizeVersion, versionTag } from './tag-grammar.ts';
import { parseModelReference } from './model-reference.ts';
import { bumpVersion, highestVersion, type BumpKind } from './version-bump.ts';
import { digestPublishFiles, type RoledFile } from './file-digest.ts';
import { verifiedDownloadAll } from './verified-download.ts';
import { readVerifiedManifest } from './verified-manifest.ts';
import { EventLog } from './event-log.ts';
import type { Lineage } from './lineage.ts';

export interface RegistryContext {
  /** Who acts: GITHUB_ACTOR in Actions, the OS user in the CLI. */
  actor: string;
  stagePolicy?: StagePolicy;
  clock?: () => Date;
  /** Reads an ONNX model's signature; passed in so the registry does not load ONNX code itself. */
  readSignature?: (bytes: Uint8Array, file: string) => ModelSignature;
  /** Bounds retries when other jobs take the event counter (or the version) first: attempts... */
  maxAttempts?: number;
  /** ...and time, whichever comes first. */
  retryForMs?: number;
  /** Waits between retries (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

export type PublishFile = RoledFile;

export interface PublishRequest {
  name: string;
  /** Exactly one of version and bump. */
  version?: string;
  bump?: BumpKind;
  files: PublishFile[];
  commit?: string;
  repository?: string;
  pullRequest?: number;
  workflowRunUrl?: string;
  datasets?: DatasetRef[];
  params?: Record<string, string | number | boolean | null>;
  metrics?: Record<string, number>;
  parentVersion?: string;
  /** The train step's lineage, recorded whole in the manifest. */
  lineage?: Lineage;
}

export interface PublishResult {
  name: string;
  version: string;
  tag: string;
  url: string;
  manifest: Manifest;
  /** false when this exact content was already published (a re-run). */
  created: boolean;
}

export interface ResolvedVersion {
  name: string;
  version: string;
  tag: string;
  url: string;
  manifest: Manifest;
  /** Stages this version holds now. */
  stages: string[];
  deprecated: boolean;
}

/**
 * Names the run making a stage change (in Actions the workflow run and job, so a
 * re-run of a failed job has the same id; the CLI's --operation-id): a change
 * the run already made is finished, not made again.
 */
interface Idempotent {
  operationId?: string | undefined;
}

export interface StageChangeResult {
  name: string;
  stage: string;
  version: string | undefined;
  previousVersion: string | undefined;
  /** The GTO tag recorded, or undefined when nothing had to change. */
  tag: string | undefined;
  counter: number | undefined;
}

export interface HistoryEntry {
  counter: number;
  action: RegistryEvent['action'];
  version: string | undefined;
  stage: string | undefined;
  actor: string;
  createdAt: string;
  commit: string;
  tag: string;
  message: string | undefined;
  /** The run (operation id) that made the change, when it had one. */
  operation: string | undefined;
}

export interface ModelListing {
  name: string;
  versions: string[];
  latest: string | undefined;
  stages: Record<string, string>;
  deprecated: boolean;
}

// Parallel jobs changing one model each win a counter per round, so N of them need up to
// N attempts; the time bound is what normally stops a job that keeps losing.
const DEFAULT_ATTEMPTS = 500;
const DEFAULT_RETRY_FOR_MS = 120_000;

export class RegistryService {
  readonly store: RegistryStore;
  private readonly log: EventLog;
  private readonly ctx: Required<Omit<RegistryContext, 'readSignature'>> & Pick<RegistryContext, 'readSignature'>;

  constructor(store: RegistryStore, ctx: RegistryContext) {
    this.store = store;
    this.ctx = {
      actor: ctx.actor,
      stagePolicy: ctx.stagePolicy ?? DEFAULT_POLICY,
      clock: ctx.clock ?? (() => new Date()),
      readSignature: ctx.readSignature,
      maxAttempts: ctx.maxAttempts ?? DEFAULT_ATTEMPTS,
      retryForMs: ctx.retryForMs ?? DEFAULT_RETRY_FOR_MS,
      sleep: ctx.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
    this.log = new EventLog(store, this.ctx);
  }

  /** The newest event of a model (its state), or null when it has none. */
  latestEvent(name: string): Promise<RegistryEvent | null> {
    return this.log.latest(name);
  }

  // ---- publish ----

  async publish(req: PublishRequest): Promise<PublishResult> {
    const name = assertModelName(req.name);
    if ((req.version === undefined) === (req.bump === undefined)) {
      throw new InputError(
        `give exactly one of version (e.g. v1.2.0) and bump (patch, minor or major) to publish ${name}`,
      );
    }
    const explicit = req.version === undefined ? undefined : normalizeVersion(req.version);
    if (explicit) assertVersionTagFits(name, explicit);
    const files = await digestPublishFiles(req.files);
    // Read before anything is written: a model that is not ONNX leaves no registration commit behind.
    const signature = await this.readSignature(files);
    const commit = req.commit ?? (await this.store.defaultCommit());
    const digest = contentDigest(name, commit, files);
    const head = await this.log.latest(name, true);
    const state = head?.state ?? EMPTY_STATE;
    if (state.deprecated) throw new RegistryRuleError(`model ${name} is deprecated; publish under a new name`);

    let version = explicit ?? (await this.store.findStagedVersion(name, digest));
    if (!version) {
      // A re-run of a bump publish whose first run completed: same content, same version.
      const highest = highestVersion(state.versions);
      const top = highest ? await this.store.readVersion(name, highest) : null;
      if (top?.published && top.contentDigest === digest) return this.finishPublished(top, name, digest);
      version = bumpVersion(state.versions, req.bump!);
    }

    for (let attempt = 1; attempt <= this.ctx.maxAttempts; attempt++) {
      const stored = await this.store.readVersion(name, version);
      if (stored?.published) {
        if (stored.contentDigest === digest) return this.finishPublished(stored, name, digest);
        if (explicit) {
          throw new RegistryRuleError(
            `${name}@${version} already exists with different content; publish a new version (bump: patch) instead`,
          );
        }
        version = bumpVersion([...state.versions, version], req.bump!);
        continue;
      }
      const registrationCommit = await this.store.registrationCommit({
        name,
        version,
        sourceCommit: commit,
        contentDigest: digest,
      });
      const manifest = this.buildManifest(
        req,
        name,
        version,
        commit,
        registrationCommit,
        digest,
        files,
        state,
        signature,
      );
      let staged: Manifest;
      try {
        const bytes = await this.store.stageVersion({
          name,
          version,
          commit,
          registrationCommit,
          contentDigest: digest,
          files,
          manifest: serializeManifest(manifest),
        });
        staged = ManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
      } catch (error) {
        // A parallel publish of this same content may have published (and locked) the staged draft under us.
        const now = await this.store.readVersion(name, version);
        if (!now?.published || now.contentDigest !== digest) throw error;
        return this.finishPublished(now, name, digest);
      }
      // A re-run keeps the manifest its first run staged, and with it that run's commit.
      const claimCommit = staged.registrationCommit ?? registrationCommit;
      const claim = await this.store.claimVersion({
        name,
        version,
        commit: claimCommit,
        contentDigest: digest,
        actor: this.ctx.actor,
        claimedAt: wholeSeconds(this.ctx.clock()),
      });
      if (claim.result === 'other') {
        await this.store.discardStaged(name, version, digest);
        if (explicit) {
          throw new RegistryRuleError(
            `${name}@${version} was just taken by another publish with different content; publish a new version instead`,
          );
        }
        version = bumpVersion([...state.versions, version], req.bump!);
        continue;
      }
      if (claim.commit !== claimCommit) {
        // Only when the same content was staged twice with different commits: the run that claimed
        // first publishes its draft and deletes this one.
        throw new RegistryConflictError(
          `another job is publishing the same files as ${versionTag(name, version)}; re-run this one after it finishes (nothing of this run is visible)`,
        );
      }
      const url = await this.store.publishVersion(name, version);
      await this.appendRegistration(name, version, claimCommit);
      return { name, version, tag: versionTag(name, version), url, created: true, manifest: staged };
    }
    throw new RegistryConflictError(
      `could not find a free version for ${name} after ${this.ctx.maxAttempts} attempts; re-run the publish`,
    );
  }

  /**
   * A re-run of a publish that got through: drops drafts of this content that lost
   * answers left behind (a retried create, a publish whose answer was lost), logs
   * the registration if the first run did not, and answers with the version.
   */
  private async finishPublished(stored: StoredVersion, name: string, digest: string): Promise<PublishResult> {
    const { manifest, claim } = await readVerifiedManifest(this.store, stored);
    await this.store.discardStaged(name, stored.version, digest);
    await this.appendRegistration(name, stored.version, claim.commit);
    return {
      name,
      version: stored.version,
      tag: versionTag(name, stored.version),
      url: stored.url,
      manifest,
      created: false,
    };
  }

  private buildManifest(
    req: PublishRequest,
    name: string,
    version: string,
    commit: string,
    registrationCommit: string,
    digest: string,
    files: (StagedFile & { role: AssetRole })[],
    state: RegistryState,
    signature: ModelSignature | undefined,
  ): Manifest {
    const parent =
      req.parentVersion === undefined
        ? highestVersion(state.versions)
        : normalizeVersion(req.parentVersion, 'parent-version');
    return ManifestSchema.parse({
      schemaVersion: 1,
      name,
      version,
      contentDigest: digest,
      createdAt: this.ctx.clock().toISOString(),
      actor: this.ctx.actor,
      assets: files.map((f) => ({ name: f.name, role: f.role, sha256: f.sha256, sizeBytes: f.sizeBytes })),
      ...(signature ? { signature } : {}),
      source: {
        commit,
        ...(req.repository ? { repository: req.repository } : {}),
        ...(req.pullRequest ? { pullRequest: req.pullRequest } : {}),
        ...(req.workflowRunUrl ? { workflowRunUrl: req.workflowRunUrl } : {}),
      },
      datasets: req.datasets ?? [],
      params: req.params ?? {},
      metrics: req.metrics ?? {},
      ...(parent && parent !== version ? { parentVersion: parent } : {}),
      ...(req.lineage ? { lineage: req.lineage } : {}),
      registrationCommit,
    });
  }

  private async readSignature(files: (StagedFile & { role: AssetRole })[]): Promise<ModelSignature | undefined> {
    const onnx = files.find((f) => f.role === 'model' && f.name.toLowerCase().endsWith('.onnx'));
    return onnx && this.ctx.readSignature ? this.ctx.readSignature(await readFile(onnx.path!), onnx.path!) : undefined;
  }

  private async appendRegistration(name: string, version: string, commit: string): Promise<void> {
    await this.log.append(name, (state) => {
      if (state.versions.includes(version) || state.deregistered.includes(version)) return null;
      return { change: { action: 'register', version }, tag: { action: 'register', name, version }, commit };
    });
  }

  // ---- reading ----

  async resolve(reference: string): Promise<ResolvedVersion> {
    return (await this.resolveStored(reference)).resolved;
  }

  /** The resolved version and its release, read once for both resolve and download. */
  private async resolveStored(reference: string): Promise<{ resolved: ResolvedVersion; stored: StoredVersion }> {
    const ref = parseModelReference(reference);
    const head = await this.log.latest(ref.name);
    if (!head)
      throw new NoVersionYetError(`no model '${ref.name}' in the registry at ${this.store.location}; publish it first`);
    const state = head.state;
    let version: string | undefined;
    if (ref.kind === 'stage') {
      version = currentVersion(state, ref.stage);
      if (!version)
        throw new NoVersionYetError(
          `${ref.name} has no version in stage '${ref.stage}'; promote one with 'mlship registry promote ${ref.name} VERSION ${ref.stage}'`,
        );
    } else if (ref.kind === 'latest') {
      version = latestVersion(state);
      if (!version) throw new NotFoundError(`${ref.name} has no registered versions; publish one first`);
    } else {
      version = ref.version;
      if (state.deregistered.includes(version)) {
        throw new NotFoundError(
          `${ref.name}@${version} is deprecated; use another version from 'mlship registry list ${ref.name}'`,
        );
      }
      if (!state.versions.includes(version)) {
        throw new NotFoundError(
          `${ref.name}@${version} is not a registered version; see 'mlship registry list ${ref.name}'`,
        );
      }
    }
    const stored = await this.store.readVersion(ref.name, version);
    if (!stored?.published) {
      throw new NotFoundError(
        `${ref.name}@${version} is registered but its release is missing or unpublished; re-run its publish job`,
      );
    }
    const { manifest } = await readVerifiedManifest(this.store, stored);
    const stages = Object.entries(stageMap(state))
      .filter(([, v]) => v === version)
      .map(([s]) => s);
    return {
      resolved: {
        name: ref.name,
        version,
        tag: versionTag(ref.name, version),
        url: stored.url,
        manifest,
        stages,
        deprecated: state.deprecated,
      },
      stored,
    };
  }

  /** Downloads every asset, the named ones, or those of one role (e.g. the data profile), each checksum-verified. */
  async download(
    reference: string,
    destDir: string,
    select?: string[] | { role: AssetRole },
  ): Promise<{ resolved: ResolvedVersion; files: string[] }> {
    // Before any request: a download path that cannot be a directory fails without reading the registry.
    await checkOutputDirectory(destDir, { what: 'download path' });
    const { resolved, stored } = await this.resolveStored(reference);
    const all = resolved.manifest.assets;
    const wanted =
      Array.isArray(select) && select.length
        ? select
        : select && !Array.isArray(select)
          ? all.filter((a) => a.role === select.role).map((a) => a.name)
          : all.map((a) => a.name);
    if (select && !Array.isArray(select) && wanted.length === 0) {
      throw new NotFoundError(`${resolved.tag} has no ${select.role} asset; publish the version with one`);
    }
    const downloads = [...new Set(wanted)].map((assetName) => {
      const expected = resolved.manifest.assets.find((a) => a.name === assetName);
      if (!expected) {
        const names = resolved.manifest.assets.map((a) => a.name).join(', ');
        throw new InputError(`asset '${assetName}' is not part of ${resolved.tag}; choose from: ${names}`);
      }
      const storedAsset = stored.assets.find((a) => a.name === assetName);
      if (!storedAsset)
        throw new FileFormatError(
          `${resolved.tag}: asset '${assetName}' listed in its manifest is missing from the release; publish a new version`,
        );
      return {
        label: `${resolved.tag}/${assetName}`,
        expected,
        storedDigest: storedAsset.digest,
        open: () => this.store.readAsset(resolved.name, resolved.version, assetName),
      };
    });
    return { resolved, files: await verifiedDownloadAll(destDir, downloads) };
  }

  // ---- stages ----

  async promote(
    req: { name: string; version: string; stage: string; message?: string } & Idempotent,
  ): Promise<StageChangeResult> {
    const name = assertModelName(req.name);
    const stage = assertStageName(req.stage);
    const version = normalizeVersion(req.version);
    const rule = stageRule(this.ctx.stagePolicy, stage);
    const claim = await this.store.readClaim(name, version);
    if (!claim) {
      throw new RegistryRuleError(
        `${name}@${version} is not a published version; publish it first or pick one from 'mlship registry list ${name}'`,
      );
    }
    // The stage tag points where the version's tag does: GTO finds the version by that commit.
    const commit = claim.commit;
    // Required checks ran on the commit the version was built from.
    const passedChecks =
      rule.requiredChecks.length > 0
        ? await this.store.passedChecks((await this.store.readVersion(name, version))?.commit ?? commit)
        : [];
    let previousVersion: string | undefined;
    const appended = await this.log.append(
      name,
      (state) => {
        previousVersion = currentVersion(state, stage);
        if (previousVersion === version) return null;
        checkPromotion(this.ctx.stagePolicy, state, { name, version, stage, actor: this.ctx.actor, passedChecks });
        return {
          change: { action: 'assign', version, stage },
          tag: { action: 'assign', name, stage },
          commit,
          message: req.message,
        };
      },
      operation(req, `assign ${stage} ${version}`),
    );
    if (appended?.replayed) previousVersion = await this.holderBefore(appended.event, stage);
    return { name, stage, version, previousVersion, tag: appended?.event.tag, counter: appended?.event.counter };
  }

  async rollback(req: { name: string; stage: string; message?: string } & Idempotent): Promise<StageChangeResult> {
    const name = assertModelName(req.name);
    const stage = assertStageName(req.stage);
    stageRule(this.ctx.stagePolicy, stage);
    checkActor(this.ctx.stagePolicy, stage, this.ctx.actor);
    let from: string | undefined;
    let to: string | undefined;
    const appended = await this.log.append(
      name,
      async (state) => {
        const stack = state.stages[stage] ?? [];
        from = stack.at(-1);
        to = stack.at(-2);
        if (!from || !to) {
          throw new RegistryRuleError(
            `${name} has no previous version in stage '${stage}' to roll back to; promote a version instead`,
          );
        }
        return {
          change: { action: 'unassign', version: from, stage },
          tag: { action: 'unassign', name, stage },
          commit: await this.versionCommit(name, from),
          message: req.message ?? `rollback to ${to}`,
        };
      },
      operation(req, `unassign ${stage}`),
    );
    if (appended?.replayed) {
      // The rollback this run made: from what it unassigned to what that uncovered.
      from = appended.event.version;
      to = currentVersion(appended.event.state, stage);
    }
    return {
      name,
      stage,
      version: to,
      previousVersion: from,
      tag: appended?.event.tag,
      counter: appended?.event.counter,
    };
  }

  /**
   * Takes a stage away from one version (GTO's `NAME#STAGE!#N`), wherever it
   * sits in the stage's stack: a rolled-back canary leaves `canary` to the
   * version that held it before, or to nobody. Nothing is written when the
   * version does not hold the stage.
   */
  async unassign(req: { name: string; version: string; stage: string; message?: string }): Promise<StageChangeResult> {
    const name = assertModelName(req.name);
    const stage = assertStageName(req.stage);
    const version = normalizeVersion(req.version);
    stageRule(this.ctx.stagePolicy, stage);
    checkActor(this.ctx.stagePolicy, stage, this.ctx.actor);
    let holder: string | undefined;
    const appended = await this.log.append(name, async (state) => {
      const stack = state.stages[stage] ?? [];
      holder = stack.filter((v) => v !== version).at(-1);
      if (!stack.includes(version)) return null;
      return {
        change: { action: 'unassign', version, stage },
        tag: { action: 'unassign', name, stage },
        commit: await this.versionCommit(name, version),
        message: req.message,
      };
    });
    return {
      name,
      stage,
      version: holder,
      previousVersion: version,
      tag: appended?.event.tag,
      counter: appended?.event.counter,
    };
  }

  /** Deregisters one version (`NAME@vX.Y.Z!`), or deprecates the whole model (`NAME@deprecated`). */
  async deprecate(
    req: {
      name: string;
      version?: string;
      message?: string;
    } & Idempotent,
  ): Promise<{ name: string; version: string | undefined; tag: string | undefined; stagesLeft: string[] }> {
    const name = assertModelName(req.name);
    const version = req.version === undefined ? undefined : normalizeVersion(req.version);
    let stagesLeft: string[] = [];
    const appended = await this.log.append(
      name,
      async (state) => {
        if (version === undefined) {
          if (state.deprecated) return null;
          const latest = latestVersion(state);
          return {
            change: { action: 'deprecate' },
            tag: { action: 'deprecate', name },
            commit: latest ? await this.versionCommit(name, latest) : await this.store.defaultCommit(),
            message: req.message,
          };
        }
        if (state.deregistered.includes(version)) return null;
        if (!state.versions.includes(version)) {
          throw new NotFoundError(`${name}@${version} is not a registered version; see 'mlship registry list ${name}'`);
        }
        stagesLeft = Object.entries(stageMap(state))
          .filter(([, v]) => v === version)
          .map(([s]) => s);
        const commit = await this.versionCommit(name, version);
        return {
          change: { action: 'deregister', version },
          tag: { action: 'deregister', name, version },
          commit,
          message: req.message,
        };
      },
      operation(req, version === undefined ? 'deprecate' : `deregister ${version}`),
    );
    return { name, version, tag: appended?.event.tag, stagesLeft };
  }

  /** Who held the stage before an event (the event before it has the state). */
  private async holderBefore(event: RegistryEvent, stage: string): Promise<string | undefined> {
    const before = event.counter > 1 ? await this.store.readEvent(event.name, event.counter - 1) : null;
    return before ? currentVersion(before.state, stage) : undefined;
  }

  /** The commit a registered version's tags point at (its tag's target). */
  private async versionCommit(name: string, version: string): Promise<string> {
    const claim = await this.store.readClaim(name, version);
    if (!claim) {
      throw new NotFoundError(
        `${versionTag(name, version)} has no tag; the registry was altered: re-publish the version or pick another`,
      );
    }
    return claim.commit;
  }

  // ---- audit ----

  async history(nameInput: string): Promise<HistoryEntry[]> {
    const name = assertModelName(nameInput);
    const events = await this.store.listEvents(name);
    return events.map((e) => ({
      counter: e.counter,
      action: e.action,
      version: e.version,
      stage: e.stage,
      actor: e.actor,
      createdAt: e.createdAt,
      commit: e.commit,
      tag: e.tag,
      message: e.message,
      operation: e.operation,
    }));
  }

  async list(nameInput?: string): Promise<ModelListing[]> {
    const names = nameInput === undefined ? await this.store.listNames() : [assertModelName(nameInput)];
    const out: ModelListing[] = [];
    for (const name of names) {
      const head = await this.log.latest(name);
      if (!head) {
        if (nameInput !== undefined)
          throw new NotFoundError(`no model '${name}' in the registry at ${this.store.location}; publish it first`);
        continue;
      }
      out.push({
        name,
        versions: head.state.versions,
        latest: latestVersion(head.state),
        stages: stageMap(head.state),
        deprecated: head.state.deprecated,
      });
    }
    return out;
  }
}

function operation(req: Idempotent, change: string): { id: string; change: string } | undefined {
  return req.operationId ? { id: req.operationId, change } : undefined;
}
