// Git database endpoints: refs (atomic create), annotated tags, commits.
import { bodyOf, notFound, unprocessable, validationFailed, type RepoContext, type RepoHandler } from '../handler.ts';
import { commitCommentJson, commitJson, gitCommitJson, refJson, tagObjectJson } from '../representations-git.ts';
import { paginate } from '../pagination.ts';
import { assertMaxChars, COMMENT_BODY_MAX_CHARS } from '../body-limits.ts';
import { createHash } from 'node:crypto';
import type { CommitRecord, GitRefRecord, TagObjectRecord } from '../state.ts';

/**
 * git's check-ref-format rules plus GitHub's length limit (names past about
 * 250 bytes are refused). Written here on its own, not shared with the code
 * under test, so the emulator can disagree with it.
 */
function isValidRefName(ref: string): boolean {
  if (!ref.startsWith('refs/') || ref.split('/').length < 3) return false;
  if (Buffer.byteLength(ref) > 255) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\.$|\/$/.test(ref)) return false;
  return ref.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

/** The kind of object `sha` names, when the repository has it. */
function objectType(ctx: RepoContext, sha: string): 'commit' | 'tag' | undefined {
  if (ctx.repo.commits.has(sha)) return 'commit';
  if (ctx.repo.tagObjects.has(sha)) return 'tag';
  return undefined;
}

/** A tag of a published immutable release cannot move or go away. */
function assertRefMutable(ctx: RepoContext, ref: string): void {
  if (!ref.startsWith('refs/tags/')) return;
  const tagName = ref.slice('refs/tags/'.length);
  if (ctx.repo.releases.some((r) => r.immutable && r.tagName === tagName)) {
    throw unprocessable(ctx, `Cannot update ${ref}: it is the tag of an immutable release.`);
  }
}

function isAncestor(ctx: RepoContext, ancestor: string, descendant: string): boolean {
  const queue = [descendant];
  const seen = new Set<string>();
  for (let steps = 0; queue.length > 0 && steps < 100_000; steps++) {
    const sha = queue.shift() as string;
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(ctx.repo.commits.get(sha)?.parents ?? []));
  }
  return false;
}

type GitIdentity = CommitRecord['author'];

/** git's `Name <email> <unix seconds> <offset>` line of a commit header. */
function identityLine(who: GitIdentity): string {
  const offset = /([+-]\d{2}):?(\d{2})$/.exec(who.date);
  const zone = offset ? `${offset[1]}${offset[2]}` : '+0000';
  return `${who.name} <${who.email}> ${Math.floor(Date.parse(who.date) / 1000)} ${zone}`;
}

/** The sha git gives a commit object: the same content always has the same sha. */
function commitObjectSha(c: Omit<CommitRecord, 'sha'>): string {
  const committer = c.committer ?? c.author;
  const content = [
    `tree ${c.treeSha}`,
    ...c.parents.map((p) => `parent ${p}`),
    `author ${identityLine(c.author)}`,
    `committer ${identityLine(committer)}`,
    '',
    c.message,
  ].join('\n');
  return createHash('sha1')
    .update(`commit ${Buffer.byteLength(content)}\0${content}`)
    .digest('hex');
}

function findCommitComment(ctx: RepoContext) {
  const id = Number(ctx.params['comment_id']);
  const comment = ctx.repo.commitComments.find((c) => c.id === id);
  if (!comment) throw notFound(ctx);
  return comment;
}

export const gitHandlers: Record<string, RepoHandler> = {
  'git/create-ref': (ctx) => {
    const body = bodyOf(ctx);
    const ref = String(body['ref']);
    const sha = String(body['sha']);
    if (!isValidRefName(ref)) {
      throw unprocessable(ctx, `${ref} is not a valid ref name.`);
    }
    // The check and the insert happen in one synchronous step: the create is atomic.
    if (ctx.repo.refs.has(ref)) throw unprocessable(ctx, 'Reference already exists');
    // Refs are paths: `refs/x/a` and `refs/x/a/b` cannot both exist (git's D/F conflict).
    for (const existing of ctx.repo.refs.keys()) {
      if (existing.startsWith(`${ref}/`) || ref.startsWith(`${existing}/`))
        throw unprocessable(ctx, 'Reference update failed');
    }
    const type = objectType(ctx, sha);
    if (!type) throw unprocessable(ctx, 'Object does not exist');
    const record: GitRefRecord = { ref, sha, objectType: type };
    ctx.core.setRef(ctx.repo, record);
    const json = refJson(ctx.core, ctx.repo, record);
    return { status: 201, body: json, headers: { location: String(json['url']) } };
  },

  'git/get-ref': (ctx) => {
    const record = ctx.repo.refs.get(fullRef(ctx.params['ref'] ?? ''));
    if (!record) throw notFound(ctx);
    return { status: 200, body: refJson(ctx.core, ctx.repo, record) };
  },

  'git/list-matching-refs': (ctx) => {
    const prefix = fullRef(ctx.params['ref'] ?? '');
    const matching = [...ctx.repo.refs.values()]
      .filter((r) => r.ref.startsWith(prefix))
      .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    const page = paginate(ctx, matching);
    return { status: 200, body: page.items.map((r) => refJson(ctx.core, ctx.repo, r)), headers: page.headers };
  },

  'git/update-ref': (ctx) => {
    const ref = fullRef(ctx.params['ref'] ?? '');
    const record = ctx.repo.refs.get(ref);
    if (!record) throw unprocessable(ctx, 'Reference does not exist');
    assertRefMutable(ctx, ref);
    const body = bodyOf(ctx);
    const sha = String(body['sha']);
    const type = objectType(ctx, sha);
    if (!type) throw unprocessable(ctx, 'Object does not exist');
    if (
      body['force'] !== true &&
      type === 'commit' &&
      record.objectType === 'commit' &&
      !isAncestor(ctx, record.sha, sha)
    ) {
      throw unprocessable(ctx, 'Update is not a fast forward');
    }
    const moved: GitRefRecord = { ...record, sha, objectType: type };
    ctx.core.setRef(ctx.repo, moved);
    return { status: 200, body: refJson(ctx.core, ctx.repo, moved) };
  },

  'git/delete-ref': (ctx) => {
    const ref = fullRef(ctx.params['ref'] ?? '');
    if (!ctx.repo.refs.has(ref)) throw unprocessable(ctx, 'Reference does not exist');
    assertRefMutable(ctx, ref);
    ctx.repo.refs.delete(ref);
    return { status: 204 };
  },

  'git/create-tag': (ctx) => {
    const body = bodyOf(ctx);
    const objectSha = String(body['object']);
    const declaredType = String(body['type']) as TagObjectRecord['object']['type'];
    const actualType = objectType(ctx, objectSha);
    if (!actualType)
      throw validationFailed(ctx, [
        { resource: 'Tag', code: 'invalid', field: 'object', message: 'Object does not exist' },
      ]);
    const tagger = body['tagger'] as { name?: string; email?: string; date?: string } | undefined;
    const tag: TagObjectRecord = {
      sha: ctx.core.sha('tag', String(body['tag']), objectSha),
      tag: String(body['tag']),
      message: String(body['message']),
      object: { sha: objectSha, type: declaredType },
      tagger: {
        name: tagger?.name ?? ctx.token.user.login,
        email: tagger?.email ?? `${ctx.token.user.id}+${ctx.token.user.login}@users.noreply.github.com`,
        date: tagger?.date ?? ctx.core.now(),
      },
    };
    ctx.repo.tagObjects.set(tag.sha, tag);
    const json = tagObjectJson(ctx.core, ctx.repo, tag);
    return { status: 201, body: json, headers: { location: String(json['url']) } };
  },

  'git/get-tag': (ctx) => {
    const tag = ctx.repo.tagObjects.get(ctx.params['tag_sha'] ?? '');
    if (!tag) throw notFound(ctx);
    return { status: 200, body: tagObjectJson(ctx.core, ctx.repo, tag) };
  },

  'git/create-commit': (ctx) => {
    const body = bodyOf(ctx);
    const treeSha = String(body['tree']);
    const parents = ((body['parents'] as unknown[] | undefined) ?? []).map(String);
    // Trees exist here only as the trees of commits.
    if (![...ctx.repo.commits.values()].some((c) => c.treeSha === treeSha))
      throw unprocessable(ctx, 'Tree SHA does not exist');
    if (parents.some((p) => !ctx.repo.commits.has(p)))
      throw unprocessable(ctx, 'Parent SHA does not exist or is not a commit object');
    const given = (key: 'author' | 'committer') => body[key] as Partial<GitIdentity> | undefined;
    const identity = (who: Partial<GitIdentity> | undefined, fallback: GitIdentity): GitIdentity => ({
      name: who?.name ?? fallback.name,
      email: who?.email ?? fallback.email,
      date: who?.date ?? fallback.date,
    });
    const author = identity(given('author'), {
      name: ctx.token.user.login,
      email: `${ctx.token.user.id}+${ctx.token.user.login}@users.noreply.github.com`,
      date: ctx.core.now(),
    });
    const committer = identity(given('committer'), author);
    const record: Omit<CommitRecord, 'sha'> = { message: String(body['message']), parents, treeSha, author, committer };
    const sha = commitObjectSha(record);
    const commit = ctx.repo.commits.get(sha) ?? { sha, ...record };
    ctx.repo.commits.set(sha, commit);
    const json = gitCommitJson(ctx.core, ctx.repo, commit);
    return { status: 201, body: json, headers: { location: String(json['url']) } };
  },

  'git/get-commit': (ctx) => {
    const commit = ctx.repo.commits.get(ctx.params['commit_sha'] ?? '');
    if (!commit) throw notFound(ctx);
    return { status: 200, body: gitCommitJson(ctx.core, ctx.repo, commit) };
  },

  'repos/get-commit': (ctx) => {
    const commit = ctx.core.resolveCommit(ctx.repo, ctx.params['ref'] ?? '');
    if (!commit) throw unprocessable(ctx, `No commit found for SHA: ${ctx.params['ref']}`);
    return { status: 200, body: commitJson(ctx.core, ctx.repo, commit) };
  },

  'repos/list-comments-for-commit': (ctx) => {
    const sha = ctx.params['commit_sha'] ?? '';
    const page = paginate(
      ctx,
      ctx.repo.commitComments.filter((c) => c.commitId === sha),
    );
    return {
      status: 200,
      body: page.items.map((c) => commitCommentJson(ctx.core, ctx.repo, c)),
      headers: page.headers,
    };
  },

  'repos/create-commit-comment': (ctx) => {
    const commit = ctx.core.resolveCommit(ctx.repo, ctx.params['commit_sha'] ?? '');
    if (!commit) throw notFound(ctx);
    const body = bodyOf(ctx);
    assertMaxChars(ctx, 'CommitComment', 'data', body['body'], COMMENT_BODY_MAX_CHARS);
    const at = ctx.core.now();
    const comment = {
      id: ctx.core.nextId('commitComment'),
      commitId: commit.sha,
      body: String(body['body']),
      path: typeof body['path'] === 'string' ? body['path'] : null,
      position: typeof body['position'] === 'number' ? body['position'] : null,
      line: typeof body['line'] === 'number' ? body['line'] : null,
      user: ctx.token.user,
      createdAt: at,
      updatedAt: at,
      minimized: { isMinimized: false, reason: null },
    };
    ctx.repo.commitComments.push(comment);
    return { status: 201, body: commitCommentJson(ctx.core, ctx.repo, comment) };
  },

  'repos/get-commit-comment': (ctx) => ({
    status: 200,
    body: commitCommentJson(ctx.core, ctx.repo, findCommitComment(ctx)),
  }),

  'repos/update-commit-comment': (ctx) => {
    const comment = findCommitComment(ctx);
    assertMaxChars(ctx, 'CommitComment', 'data', bodyOf(ctx)['body'], COMMENT_BODY_MAX_CHARS);
    comment.body = String(bodyOf(ctx)['body']);
    comment.updatedAt = ctx.core.now();
    return { status: 200, body: commitCommentJson(ctx.core, ctx.repo, comment) };
  },
};
