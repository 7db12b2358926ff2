// Releases and release assets, including drafts, uploads to the uploads
// host, 302 downloads and immutable releases.
import { createHash } from 'node:crypto';
import {
  bodyOf,
  intParam,
  notFound,
  unprocessable,
  validationFailed,
  type RepoContext,
  type RepoHandler,
} from '../handler.ts';
import { assetJson, releaseJson } from '../representations-git.ts';
import { paginate } from '../pagination.ts';
import { assertMaxChars, RELEASE_BODY_MAX_CHARS } from '../body-limits.ts';
import { BLOB_PATH_PREFIX } from './blobs.ts';
import type { ReleaseAssetRecord, ReleaseRecord, RepoRecord } from '../state.ts';
import type { EmulatorCore } from '../emulator-core.ts';

/** Drafts are only visible to those who can push, as on GitHub. */
function canSeeDrafts(ctx: RepoContext): boolean {
  return ctx.token.permissions.contents === 'write';
}

function findRelease(ctx: RepoContext): ReleaseRecord {
  const id = intParam(ctx, 'release_id');
  const release = ctx.repo.releases.find((r) => r.id === id);
  if (!release || (release.draft && !canSeeDrafts(ctx))) throw notFound(ctx);
  return release;
}

function findAsset(ctx: RepoContext): { release: ReleaseRecord; asset: ReleaseAssetRecord } {
  const id = intParam(ctx, 'asset_id');
  for (const release of ctx.repo.releases) {
    const asset = release.assets.find((a) => a.id === id);
    if (asset && (!release.draft || canSeeDrafts(ctx))) return { release, asset };
  }
  throw notFound(ctx);
}

function assertMutableAssets(ctx: RepoContext, release: ReleaseRecord): void {
  if (release.immutable) throw unprocessable(ctx, 'Cannot modify an asset of an immutable release.');
}

/** Publishing creates the tag at target_commitish when it does not exist yet. */
function ensureTag(ctx: RepoContext, release: ReleaseRecord): void {
  const refName = `refs/tags/${release.tagName}`;
  if (ctx.repo.refs.has(refName)) return;
  const commit = ctx.core.resolveCommit(ctx.repo, release.targetCommitish);
  if (!commit) {
    throw validationFailed(ctx, [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
  }
  ctx.core.setRef(ctx.repo, { ref: refName, sha: commit.sha, objectType: 'commit' });
}

function publish(ctx: RepoContext, release: ReleaseRecord): void {
  ensureTag(ctx, release);
  release.draft = false;
  release.publishedAt = ctx.core.now();
  release.immutable = ctx.repo.immutableReleases;
}

function assertTagFree(ctx: RepoContext, tagName: string, except?: ReleaseRecord): void {
  if (ctx.repo.releases.some((r) => r !== except && !r.draft && r.tagName === tagName)) {
    throw validationFailed(ctx, [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
  }
}

/** The date GitHub sorts "latest" by: the tagged commit's date, else the release's. */
function releaseDate(core: EmulatorCore, repo: RepoRecord, release: ReleaseRecord): number {
  const commit = core.resolveCommit(repo, `refs/tags/${release.tagName}`);
  return Date.parse(commit?.author.date ?? release.createdAt);
}

export const releaseHandlers: Record<string, RepoHandler> = {
  'repos/create-release': (ctx) => {
    const body = bodyOf(ctx);
    assertMaxChars(ctx, 'Release', 'body', body['body'], RELEASE_BODY_MAX_CHARS);
    const tagName = String(body['tag_name']);
    const draft = body['draft'] === true;
    if (!draft) assertTagFree(ctx, tagName);
    const release: ReleaseRecord = {
      id: ctx.core.nextId('release'),
      tagName,
      targetCommitish: typeof body['target_commitish'] === 'string' ? body['target_commitish'] : ctx.repo.defaultBranch,
      name: typeof body['name'] === 'string' ? body['name'] : null,
      body: typeof body['body'] === 'string' ? body['body'] : null,
      draft: true,
      prerelease: body['prerelease'] === true,
      immutable: false,
      author: ctx.token.user,
      createdAt: ctx.core.now(),
      publishedAt: null,
      assets: [],
    };
    if (!draft) publish(ctx, release);
    ctx.repo.releases.push(release);
    const json = releaseJson(ctx.core, ctx.repo, release);
    return { status: 201, body: json, headers: { location: String(json['url']) } };
  },

  'repos/list-releases': (ctx) => {
    const visible = ctx.repo.releases.filter((r) => !r.draft || canSeeDrafts(ctx)).reverse();
    const page = paginate(ctx, visible);
    return { status: 200, body: page.items.map((r) => releaseJson(ctx.core, ctx.repo, r)), headers: page.headers };
  },

  'repos/get-release': (ctx) => ({ status: 200, body: releaseJson(ctx.core, ctx.repo, findRelease(ctx)) }),

  'repos/get-release-by-tag': (ctx) => {
    const release = [...ctx.repo.releases].reverse().find((r) => !r.draft && r.tagName === ctx.params['tag']);
    if (!release) throw notFound(ctx);
    return { status: 200, body: releaseJson(ctx.core, ctx.repo, release) };
  },

  'repos/get-latest-release': (ctx) => {
    const candidates = ctx.repo.releases.filter((r) => !r.draft && !r.prerelease);
    let latest: ReleaseRecord | undefined;
    for (const release of candidates) {
      if (!latest || releaseDate(ctx.core, ctx.repo, release) >= releaseDate(ctx.core, ctx.repo, latest))
        latest = release;
    }
    if (!latest) throw notFound(ctx);
    return { status: 200, body: releaseJson(ctx.core, ctx.repo, latest) };
  },

  'repos/update-release': (ctx) => {
    const release = findRelease(ctx);
    const body = bodyOf(ctx);
    assertMaxChars(ctx, 'Release', 'body', body['body'], RELEASE_BODY_MAX_CHARS);
    const newTag = typeof body['tag_name'] === 'string' ? body['tag_name'] : undefined;
    if (newTag !== undefined && newTag !== release.tagName) {
      if (release.immutable) throw unprocessable(ctx, 'Cannot change the tag of an immutable release.');
      if (!release.draft) assertTagFree(ctx, newTag, release);
      release.tagName = newTag;
    }
    if (typeof body['target_commitish'] === 'string') release.targetCommitish = body['target_commitish'];
    if (typeof body['name'] === 'string') release.name = body['name'];
    if (typeof body['body'] === 'string') release.body = body['body'];
    if (typeof body['prerelease'] === 'boolean') release.prerelease = body['prerelease'];
    if (body['draft'] === false && release.draft) {
      assertTagFree(ctx, release.tagName, release);
      publish(ctx, release);
    } else if (body['draft'] === true && !release.draft) {
      if (release.immutable) throw unprocessable(ctx, 'Cannot convert an immutable release to a draft.');
      release.draft = true;
      release.publishedAt = null;
    }
    return { status: 200, body: releaseJson(ctx.core, ctx.repo, release) };
  },

  'repos/delete-release': (ctx) => {
    const release = findRelease(ctx);
    ctx.repo.releases.splice(ctx.repo.releases.indexOf(release), 1);
    return { status: 204 };
  },

  'repos/list-release-assets': (ctx) => {
    const release = findRelease(ctx);
    const page = paginate(ctx, release.assets);
    return {
      status: 200,
      body: page.items.map((a) => assetJson(ctx.core, ctx.repo, release, a)),
      headers: page.headers,
    };
  },

  'repos/upload-release-asset': (ctx) => {
    const release = findRelease(ctx);
    assertMutableAssets(ctx, release);
    const name = ctx.query.get('name') ?? '';
    if (release.assets.some((a) => a.name === name)) {
      throw validationFailed(ctx, [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    }
    const at = ctx.core.now();
    const asset: ReleaseAssetRecord = {
      id: ctx.core.nextId('asset'),
      releaseId: release.id,
      name,
      label: ctx.query.get('label'),
      contentType: String(ctx.headers['content-type'] ?? 'application/octet-stream'),
      bytes: ctx.rawBody,
      size: ctx.rawBody.length,
      digest: `sha256:${createHash('sha256').update(ctx.rawBody).digest('hex')}`,
      uploader: ctx.token.user,
      downloadCount: 0,
      createdAt: at,
      updatedAt: at,
    };
    release.assets.push(asset);
    return { status: 201, body: assetJson(ctx.core, ctx.repo, release, asset) };
  },

  'repos/get-release-asset': (ctx) => {
    const { release, asset } = findAsset(ctx);
    if (String(ctx.headers['accept'] ?? '').includes('application/octet-stream')) {
      // GitHub redirects binary downloads to its object storage.
      return { status: 302, headers: { location: `${ctx.core.urls.serverUrl}${BLOB_PATH_PREFIX}${asset.id}` } };
    }
    return { status: 200, body: assetJson(ctx.core, ctx.repo, release, asset) };
  },

  'repos/update-release-asset': (ctx) => {
    const { release, asset } = findAsset(ctx);
    assertMutableAssets(ctx, release);
    const body = bodyOf(ctx);
    if (typeof body['name'] === 'string') asset.name = body['name'];
    if (typeof body['label'] === 'string') asset.label = body['label'];
    asset.updatedAt = ctx.core.now();
    return { status: 200, body: assetJson(ctx.core, ctx.repo, release, asset) };
  },

  'repos/delete-release-asset': (ctx) => {
    const { release, asset } = findAsset(ctx);
    assertMutableAssets(ctx, release);
    release.assets.splice(release.assets.indexOf(asset), 1);
    return { status: 204 };
  },
};
