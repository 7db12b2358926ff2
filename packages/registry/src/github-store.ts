// The registry on GitHub with no other service: every version is a Release
// tagged `NAME@vX.Y.Z` (an annotated tag, as GTO writes it), every event an
// annotated tag object referenced twice: by `refs/mlship/events/NAME/N`, whose
// atomic create (`POST /git/refs`, 422 when it exists) takes counter N, and by
// its GTO tag (`refs/tags/NAME#STAGE#N`, ...). `refs/mlship/head/NAME` names
// the newest event, whose message carries the state, so resolving a stage
// reads a fixed number of objects however many versions exist.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { gitHubError, GitHubRequestError, type GitHubClient } from '@mlship/github';
import { GitHubAccessError } from '@mlship/errors';
import { formatEventMessage, parseEventMessage, type RegistryEvent } from './registry-event.ts';
import type {
  ClaimRequest,
  ClaimResult,
  RegistrationRequest,
  RegistryStore,
  StageRequest,
  StoredAsset,
  StoredVersion,
  VersionClaim,
} from './registry-store.ts';
import { MANIFEST_ASSET, ManifestSchema } from './manifest.ts';
import { modelOfSegment, modelSegment, versionTag } from './tag-grammar.ts';

const EVENTS_PREFIX = 'mlship/events/';
const HEAD_PREFIX = 'mlship/head/';
// Releases list newest first, so a re-run's draft is among the newest; one not
// found there only costs a second draft, never a wrong version. Small pages
// keep a publish from reading every release of a large registry.
const DRAFT_SEARCH_PAGES = 2;
const DRAFT_SEARCH_PAGE_SIZE = 30;
const UPLOAD_ATTEMPTS = 3;

export interface GitHubStoreOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
}

interface ReleaseAssetJson {
  id: number;
  name: string;
  size: number;
  digest?: string | null;
  /** `starter` until an upload completes. */
  state?: string;
}

interface ReleaseJson {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
  body?: string | null;
  assets: ReleaseAssetJson[];
}

export class GitHubStore implements RegistryStore {
  readonly location: string;
  private readonly client: GitHubClient;
  private readonly owner: string;
  private readonly repo: string;
  /** Tag object sha of each event this store read or wrote, to point the head at it. */
  private readonly eventShas = new Map<string, string>();
  private readonly assetIds = new Map<string, number>();
  /** Draft release id of each version this store staged, so publishing does not search again. */
  private readonly draftIds = new Map<string, number>();
  /** Drafts of a version's content this store found, so staging does not search again. */
  private readonly ownDrafts = new Map<string, ReleaseJson | null>();

  constructor(options: GitHubStoreOptions) {
    this.client = options.client;
    this.owner = options.owner;
    this.repo = options.repo;
    this.location = `github:${options.owner}/${options.repo}`;
  }

  private get base() {
    return { owner: this.owner, repo: this.repo };
  }

  // ---- event log ----

  async readHead(name: string): Promise<RegistryEvent | null> {
    return this.readEventAt(`${HEAD_PREFIX}${modelSegment(name)}`);
  }

  async readEvent(name: string, counter: number): Promise<RegistryEvent | null> {
    return this.readEventAt(`${EVENTS_PREFIX}${modelSegment(name)}/${counter}`);
  }

  private async readEventAt(ref: string): Promise<RegistryEvent | null> {
    const sha = await this.refSha(ref);
    if (!sha) return null;
    const event = await this.readEventObject(sha);
    if (event) this.eventShas.set(eventKey(event), sha);
    return event;
  }

  private async readEventObject(sha: string): Promise<RegistryEvent | null> {
    const tag = await this.call('read a registry event tag', () =>
      this.client.rest.git.getTag({ ...this.base, tag_sha: sha }),
    );
    return parseEventMessage(tag.data.message);
  }

  async appendEvent(event: RegistryEvent): Promise<boolean> {
    const sha = await this.createTagObject(
      event.tag,
      formatEventMessage(event),
      event.commit,
      event.actor,
      event.createdAt,
    );
    const created = await this.createRefOnce(`refs/${EVENTS_PREFIX}${modelSegment(event.name)}/${event.counter}`, sha);
    if (!created) return false;
    this.eventShas.set(eventKey(event), sha);
    await this.ensureGtoTag(event);
    return true;
  }

  async ensureGtoTag(event: RegistryEvent): Promise<void> {
    // A registration's GTO tag is the version's own tag, taken when it was claimed.
    if (event.action === 'register') return;
    const sha =
      this.eventShas.get(eventKey(event)) ??
      (await this.refSha(`${EVENTS_PREFIX}${modelSegment(event.name)}/${event.counter}`));
    if (!sha) return;
    // Exists already: written by an earlier attempt, or by GTO itself racing on the same counter.
    await this.createRefOnce(`refs/tags/${event.tag}`, sha);
  }

  async writeHead(event: RegistryEvent): Promise<void> {
    const sha = this.eventShas.get(eventKey(event));
    if (!sha) return;
    const ref = `${HEAD_PREFIX}${modelSegment(event.name)}`;
    try {
      await this.client.rest.git.updateRef({ ...this.base, ref, sha, force: true });
    } catch (error) {
      if (statusOf(error) !== 422 && statusOf(error) !== 404) throw this.accessError('move the registry head', error);
      if (!(await this.createRefOnce(`refs/${ref}`, sha))) {
        await this.call('move the registry head', () =>
          this.client.rest.git.updateRef({ ...this.base, ref, sha, force: true }),
        );
      }
    }
  }

  async listEvents(name: string): Promise<RegistryEvent[]> {
    const prefix = `refs/${EVENTS_PREFIX}${modelSegment(name)}/`;
    const refs = await this.call('list registry events', () =>
      this.client.paginate(this.client.rest.git.listMatchingRefs, {
        ...this.base,
        ref: prefix.slice('refs/'.length),
        per_page: 100,
      }),
    );
    // Keep refs ending in the counter only.
    const ours = refs
      .map((r) => ({ counter: Number(r.ref.slice(prefix.length)), sha: r.object.sha }))
      .filter((r) => /^\d+$/.test(String(r.counter)) && r.counter > 0)
      .sort((a, b) => a.counter - b.counter);
    const events: RegistryEvent[] = [];
    for (const r of ours) {
      const event = await this.readEventObject(r.sha);
      if (event) events.push(event);
    }
    return events;
  }

  async listNames(): Promise<string[]> {
    const refs = await this.call('list registry models', () =>
      this.client.paginate(this.client.rest.git.listMatchingRefs, { ...this.base, ref: HEAD_PREFIX, per_page: 100 }),
    );
    return [...new Set(refs.map((r) => modelOfSegment(r.ref.slice(`refs/${HEAD_PREFIX}`.length))))].sort();
  }

  // ---- versions ----

  async readVersion(name: string, version: string): Promise<StoredVersion | null> {
    let release: ReleaseJson;
    try {
      release = (await this.client.rest.repos.getReleaseByTag({ ...this.base, tag: versionTag(name, version) }))
        .data as ReleaseJson;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.accessError(`read release ${name}@${version}`, error);
    }
    return this.toStoredVersion(name, version, release);
  }

  async readClaim(name: string, version: string): Promise<VersionClaim | null> {
    // One GraphQL request reads the tag ref, its tag object's message and target (REST takes two).
    const tag = versionTag(name, version);
    const res = await this.call(`read tag ${tag}`, () =>
      this.client.graphql<{ repository: { ref: { target: ClaimTarget | null } | null } | null }>(
        'query($owner: String!, $repo: String!, $ref: String!) { repository(owner: $owner, name: $repo) { ref(qualifiedName: $ref) { target { oid ... on Tag { message target { oid } } } } } }',
        { ...this.base, ref: `refs/tags/${tag}` },
      ),
    );
    const target = res.repository?.ref?.target;
    if (!target) return null;
    // A lightweight tag points at the commit itself and records nothing.
    if (target.message === undefined) return { commit: target.oid, contentDigest: null };
    return { commit: target.target?.oid ?? target.oid, contentDigest: parseClaimedDigest(target.message ?? '') };
  }

  async registrationCommit(req: RegistrationRequest): Promise<string> {
    const recorded = parseMarker((await this.ownDraft(req.name, req.version, req.contentDigest))?.body ?? '');
    if (recorded?.registration) return recorded.registration;
    let source: { tree: { sha: string }; committer: { date?: string } };
    try {
      source = (await this.client.rest.git.getCommit({ ...this.base, commit_sha: req.sourceCommit })).data;
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 422)
        throw this.accessError(`read commit ${req.sourceCommit}`, error);
      throw new GitHubAccessError(
        `commit ${req.sourceCommit} is not in ${this.owner}/${this.repo}; push it first, or publish from a commit of that repository`,
        { status: statusOf(error)!, cause: error },
      );
    }
    // Fixed author and dates: the same version of the same content is the same commit object,
    // so parallel runs of one publish agree on it.
    const identity = { ...REGISTRATION_IDENTITY, ...(source.committer.date ? { date: source.committer.date } : {}) };
    const res = await this.call(`create the commit of ${versionTag(req.name, req.version)}`, () =>
      this.client.rest.git.createCommit({
        ...this.base,
        message: `Register ${req.name} ${req.version}\n\n${CONTENT_TRAILER}${req.contentDigest}\n`,
        tree: source.tree.sha,
        parents: [req.sourceCommit],
        author: identity,
        committer: identity,
      }),
    );
    return res.data.sha;
  }

  /** The draft a previous run staged this content in, found once per store. */
  private async ownDraft(name: string, version: string, contentDigest: string): Promise<ReleaseJson | null> {
    const key = draftKey(name, version, contentDigest);
    const known = this.ownDrafts.get(key);
    if (known !== undefined) return known;
    const draft = await this.findDraft((m) => m.name === name && m.version === version && m.content === contentDigest);
    this.ownDrafts.set(key, draft);
    return draft;
  }

  private toStoredVersion(name: string, version: string, release: ReleaseJson): StoredVersion {
    const marker = parseMarker(release.body ?? '');
    const assets: StoredAsset[] = release.assets.map((a) => {
      this.assetIds.set(`${name}@${version}/${a.name}`, a.id);
      return { name: a.name, sizeBytes: a.size, ...(a.digest ? { digest: a.digest } : {}) };
    });
    return {
      name,
      version,
      published: !release.draft,
      url: release.html_url,
      contentDigest: marker?.name === name && marker.version === version ? marker.content : undefined,
      commit: marker?.commit,
      assets,
    };
  }

  async findStagedVersion(name: string, contentDigest: string): Promise<string | null> {
    const draft = await this.findDraft((m) => m.name === name && m.content === contentDigest);
    return draft ? parseMarker(draft.body ?? '')!.version : null;
  }

  private async findDraft(match: (marker: PublishMarker) => boolean): Promise<ReleaseJson | null> {
    return this.call('search the draft releases', async () => {
      let pages = 0;
      const iterator = this.client.paginate.iterator(this.client.rest.repos.listReleases, {
        ...this.base,
        per_page: DRAFT_SEARCH_PAGE_SIZE,
      });
      for await (const page of iterator) {
        for (const release of page.data as ReleaseJson[]) {
          const marker = release.draft ? parseMarker(release.body ?? '') : null;
          if (marker && match(marker)) return release;
        }
        if (++pages >= DRAFT_SEARCH_PAGES) break;
      }
      return null;
    });
  }

  async stageVersion(req: StageRequest): Promise<Uint8Array> {
    let draft = await this.ownDraft(req.name, req.version, req.contentDigest);
    if (!draft) {
      const body = formatMarker({
        name: req.name,
        version: req.version,
        content: req.contentDigest,
        commit: req.commit,
        registration: req.registrationCommit,
      });
      draft = (
        await this.call(`create a draft release for ${req.name}@${req.version}`, () =>
          this.client.rest.repos.createRelease({
            ...this.base,
            tag_name: versionTag(req.name, req.version),
            target_commitish: req.registrationCommit,
            name: `${req.name} ${req.version}`,
            body,
            draft: true,
          }),
        )
      ).data as ReleaseJson;
    }
    this.ownDrafts.set(draftKey(req.name, req.version, req.contentDigest), draft);
    this.draftIds.set(`${req.name}@${req.version}`, draft.id);
    const existing = new Map(draft.assets.map((a) => [a.name, a]));
    for (const file of req.files) {
      const have = existing.get(file.name);
      if (have?.digest === `sha256:${file.sha256}`) continue; // uploaded whole by an earlier run
      if (have)
        await this.call('replace a partial asset', () =>
          this.client.rest.repos.deleteReleaseAsset({ ...this.base, asset_id: have.id }),
        );
      await this.upload(draft, file.name, file, file.sizeBytes, file.sha256);
    }
    const staged = existing.get(MANIFEST_ASSET);
    if (staged) {
      // A re-run keeps the manifest of the first run, so the version has one history,
      // unless that upload failed part-way (GitHub leaves an empty `starter` asset).
      const bytes =
        staged.state === undefined || staged.state === 'uploaded' ? await this.downloadAsset(staged.id) : undefined;
      if (bytes && isStagedManifest(bytes, staged, req)) {
        this.assetIds.set(`${req.name}@${req.version}/${MANIFEST_ASSET}`, staged.id);
        return bytes;
      }
      await this.call('replace a partial asset', () =>
        this.client.rest.repos.deleteReleaseAsset({ ...this.base, asset_id: staged.id }),
      );
    }
    await this.upload(
      draft,
      MANIFEST_ASSET,
      { bytes: req.manifest },
      req.manifest.byteLength,
      createHash('sha256').update(req.manifest).digest('hex'),
    );
    return req.manifest;
  }

  /**
   * Streams one asset from disk (models reach 2 GiB, too much to hold in a
   * runner's memory). A stream cannot be replayed by octokit's retry plugin,
   * so uploads retry here, opening the file again each time.
   */
  private async upload(
    release: ReleaseJson,
    name: string,
    source: { path?: string | undefined; bytes?: Uint8Array | undefined },
    sizeBytes: number,
    sha256: string,
  ): Promise<void> {
    for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
      try {
        await this.uploadOnce(release, name, source, sizeBytes, sha256);
        return;
      } catch (error) {
        const transient =
          error instanceof PartialUploadError || (error instanceof GitHubRequestError && error.transient);
        if (!transient || attempt === UPLOAD_ATTEMPTS)
          throw this.accessError(`upload ${name} to ${release.tag_name}`, error);
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  }

  private async uploadOnce(
    release: ReleaseJson,
    name: string,
    source: { path?: string | undefined; bytes?: Uint8Array | undefined },
    sizeBytes: number,
    sha256: string,
  ): Promise<void> {
    try {
      // upload_url is a URI template (`...{?name,label}`) on the uploads host, which octokit expands.
      const res = await this.client.request({
        method: 'POST',
        url: release.upload_url,
        name,
        headers: { 'content-type': 'application/octet-stream', 'content-length': sizeBytes },
        data: source.bytes ?? createReadStream(source.path!),
        request: { retries: 0 },
      } as never);
      const asset = (res as { data: ReleaseAssetJson }).data;
      if (asset.digest && asset.digest !== `sha256:${sha256}`) {
        await this.client.rest.repos.deleteReleaseAsset({ ...this.base, asset_id: asset.id });
        throw new GitHubAccessError(
          `upload of ${name} to ${release.tag_name} arrived corrupted (digest ${asset.digest}); re-run the publish`,
        );
      }
    } catch (error) {
      // 422: the name is taken, by an earlier try that got through before its answer was lost,
      // or by the empty `starter` asset GitHub keeps after a failed upload.
      if (statusOf(error) !== 422) throw error;
      const assets = (
        await this.call('list release assets', () =>
          this.client.rest.repos.listReleaseAssets({ ...this.base, release_id: release.id, per_page: 100 }),
        )
      ).data as ReleaseAssetJson[];
      const there = assets.find((a) => a.name === name);
      if (!there) throw this.accessError(`upload ${name} to ${release.tag_name}`, error);
      if (there.digest === `sha256:${sha256}`) return;
      await this.call('replace a partial asset', () =>
        this.client.rest.repos.deleteReleaseAsset({ ...this.base, asset_id: there.id }),
      );
      throw new PartialUploadError(`a failed try left a partial ${name} in ${release.tag_name}; re-run the publish`);
    }
  }

  async claimVersion(req: ClaimRequest): Promise<ClaimResult> {
    const tag = versionTag(req.name, req.version);
    const message = `Registering artifact ${req.name} version ${req.version}\n\n${CONTENT_TRAILER}${req.contentDigest}\n`;
    const sha = await this.createTagObject(tag, message, req.commit, req.actor, req.claimedAt);
    if (await this.createRefOnce(`refs/tags/${tag}`, sha)) return { result: 'claimed', commit: req.commit };
    const existing = await this.refObject(`tags/${tag}`);
    if (existing?.type !== 'tag') return { result: 'other' };
    const object = await this.call(`read tag ${tag}`, () =>
      this.client.rest.git.getTag({ ...this.base, tag_sha: existing.sha }),
    );
    return parseClaimedDigest(object.data.message) === req.contentDigest
      ? { result: 'ours', commit: object.data.object.sha }
      : { result: 'other' };
  }

  async publishVersion(name: string, version: string): Promise<string> {
    const published = await this.readVersion(name, version);
    if (published) return published.url;
    const draftId =
      this.draftIds.get(`${name}@${version}`) ??
      (await this.findDraft((m) => m.name === name && m.version === version))?.id;
    if (draftId === undefined)
      throw new GitHubAccessError(
        `the draft release of ${name}@${version} disappeared before it was published; re-run the publish`,
      );
    const res = await this.call(`publish release ${name}@${version}`, () =>
      this.client.rest.repos.updateRelease({ ...this.base, release_id: draftId, draft: false, make_latest: 'false' }),
    );
    // Only our content's leftovers: a draft of other content belongs to a publish that lost the
    // claim and is discarding it itself (deleting it under that job failed its upload or delete).
    const content = parseMarker((res.data as ReleaseJson).body ?? '')?.content;
    if (content) await this.deleteDrafts(name, version, content);
    return (res.data as ReleaseJson).html_url;
  }

  async discardStaged(name: string, version: string, contentDigest: string): Promise<void> {
    await this.deleteDrafts(name, version, contentDigest);
  }

  /** Drafts of this version left by lost answers or by a publish that lost the race (all, or one content's). */
  private async deleteDrafts(name: string, version: string, contentDigest?: string): Promise<void> {
    // Bounded: each pass deletes one; more than a few means something else keeps creating them.
    for (let pass = 0; pass < 10; pass++) {
      const draft = await this.findDraft(
        (m) => m.name === name && m.version === version && (contentDigest === undefined || m.content === contentDigest),
      );
      if (!draft) return;
      try {
        await this.client.rest.repos.deleteRelease({ ...this.base, release_id: draft.id });
      } catch (error) {
        // 404: deleted already, by an earlier try whose answer was lost or by its own job.
        if (statusOf(error) !== 404) throw this.accessError('delete a leftover draft release', error);
      }
    }
  }

  async readAsset(name: string, version: string, asset: string): Promise<AsyncIterable<Uint8Array>> {
    const key = `${name}@${version}/${asset}`;
    if (!this.assetIds.has(key)) await this.readVersion(name, version);
    const id = this.assetIds.get(key);
    if (id === undefined) throw new GitHubAccessError(`${key} is not an asset of its release`);
    // Streamed: downloads are hashed on the way to disk, never held whole in memory.
    const res = await this.call(`download ${key}`, () =>
      this.client.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        ...this.base,
        asset_id: id,
        headers: { accept: 'application/octet-stream' },
        request: { parseSuccessResponseBody: false },
      }),
    );
    return res.data as unknown as AsyncIterable<Uint8Array>;
  }

  private async downloadAsset(id: number): Promise<Uint8Array> {
    const res = await this.call('download a release asset', () =>
      this.client.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        ...this.base,
        asset_id: id,
        headers: { accept: 'application/octet-stream' },
      }),
    );
    return new Uint8Array(res.data as unknown as ArrayBuffer);
  }

  async passedChecks(commit: string): Promise<string[]> {
    const runs = await this.call(
      `list check runs of ${commit}`,
      () => this.client.paginate(this.client.rest.checks.listForRef, { ...this.base, ref: commit, per_page: 100 }),
      'checks: read',
    );
    // A check re-run after a failure counts by its newest run (the highest id).
    const newest = new Map<string, (typeof runs)[number]>();
    for (const run of runs) if ((newest.get(run.name)?.id ?? -1) < run.id) newest.set(run.name, run);
    return [...newest.values()].filter((r) => r.conclusion === 'success').map((r) => r.name);
  }

  async defaultCommit(): Promise<string> {
    const repo = await this.call(`read ${this.owner}/${this.repo}`, () => this.client.rest.repos.get(this.base));
    const sha = await this.refSha(`heads/${repo.data.default_branch}`);
    if (!sha)
      throw new GitHubAccessError(
        `${this.owner}/${this.repo} has no commit on ${repo.data.default_branch}; pass the commit to publish`,
      );
    return sha;
  }

  // ---- git helpers ----

  private async createTagObject(
    tag: string,
    message: string,
    commit: string,
    actor: string,
    /** Whole seconds (`YYYY-MM-DDTHH:MM:SSZ`, as GitHub documents it): GTO orders events by this date. */
    date: string,
  ): Promise<string> {
    const tagger = { tagger: { name: actor, email: `${actor}@users.noreply.github.com`, date } };
    const res = await this.call(`create tag ${tag}`, () =>
      this.client.rest.git.createTag({ ...this.base, tag, message, object: commit, type: 'commit', ...tagger }),
    );
    return res.data.sha;
  }

  /** true when this call created the ref (or an earlier try of it did); false when someone else holds it. */
  private async createRefOnce(ref: string, sha: string): Promise<boolean> {
    try {
      await this.client.rest.git.createRef({ ...this.base, ref, sha });
      return true;
    } catch (error) {
      // 422: it exists. Any other failure may have been a lost answer to a create that went
      // through, so what the ref holds now decides, not the error.
      const existing = await this.refSha(ref.slice('refs/'.length));
      if (!existing) throw this.accessError(`create ${ref}`, error);
      return existing === sha;
    }
  }

  private async refObject(ref: string): Promise<{ sha: string; type: string } | null> {
    try {
      return (await this.client.rest.git.getRef({ ...this.base, ref })).data.object;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.accessError(`read ${ref}`, error);
    }
  }

  private async refSha(ref: string): Promise<string | null> {
    return (await this.refObject(ref))?.sha ?? null;
  }

  private async call<T>(what: string, fn: () => Promise<T>, permission?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.accessError(what, error, permission);
    }
  }

  /** The one GitHub error mapper, with what the registry was doing and the permission it needs. */
  private accessError(what: string, error: unknown, permission = 'contents: write'): unknown {
    return gitHubError(error, {
      doing: `${what} in ${this.owner}/${this.repo}`,
      permission,
      notFound: `check the repository name ${this.owner}/${this.repo} and that the token can see it`,
      rerun: ' (the registry is left consistent)',
    });
  }
}

/** An upload that a failed earlier try left half-written: deleted, so the next try starts clean. */
class PartialUploadError extends GitHubAccessError {
  override readonly name: string = 'PartialUploadError';
}

const CONTENT_TRAILER = 'mlship-content: ';
const CONTENT_TRAILER_RE = /^mlship-content: ([0-9a-f]{64})$/m;

function parseClaimedDigest(message: string): string | null {
  return CONTENT_TRAILER_RE.exec(message)?.[1] ?? null;
}

interface PublishMarker {
  name: string;
  version: string;
  content: string;
  commit: string;
  /** Absent in drafts staged before versions had their own commit. */
  registration?: string;
}

const MARKER_RE =
  /<!-- mlship:publish name=(\S+) version=(\S+) content=([0-9a-f]{64}) commit=(\S+?)(?: registration=([0-9a-f]{40}))? -->/;

// Who a registration commit is by: fixed, so its sha depends only on what it registers.
const REGISTRATION_IDENTITY = { name: 'mlship', email: 'registry@mlship.invalid' };

interface ClaimTarget {
  oid: string;
  message?: string | null;
  target?: { oid: string } | null;
}

function formatMarker(m: PublishMarker): string {
  const registration = m.registration ? ` registration=${m.registration}` : '';
  return (
    `<!-- mlship:publish name=${m.name} version=${m.version} content=${m.content} commit=${m.commit}${registration} -->\n` +
    `Model **${m.name}** ${m.version}, published by mlship. Every asset's sha256 is in \`manifest.json\`; ` +
    `fetch it with \`mlship registry download ${m.name}@${m.version}\`, which verifies them.\n`
  );
}

function parseMarker(body: string): PublishMarker | null {
  const m = MARKER_RE.exec(body);
  return m
    ? { name: m[1]!, version: m[2]!, content: m[3]!, commit: m[4]!, ...(m[5] ? { registration: m[5] } : {}) }
    : null;
}

/** A whole manifest of this content, as a previous run of the same publish uploaded it. */
function isStagedManifest(bytes: Uint8Array, asset: ReleaseAssetJson, req: StageRequest): boolean {
  if (asset.digest && asset.digest !== `sha256:${createHash('sha256').update(bytes).digest('hex')}`) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return false;
  }
  const manifest = ManifestSchema.safeParse(parsed);
  return (
    manifest.success &&
    manifest.data.name === req.name &&
    manifest.data.version === req.version &&
    manifest.data.contentDigest === req.contentDigest
  );
}

function draftKey(name: string, version: string, contentDigest: string): string {
  return `${name}@${version}#${contentDigest}`;
}

function eventKey(event: Pick<RegistryEvent, 'name' | 'counter'>): string {
  return `${event.name}#${event.counter}`;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
