// Issues, pull requests and issue comments.
import { bodyOf, intParam, notFound, validationFailed, type RepoContext, type RepoHandler } from '../handler.ts';
import { issueCommentJson, issueJson, pullJson } from '../representations.ts';
import { paginate } from '../pagination.ts';
import { assertMaxChars, COMMENT_BODY_MAX_CHARS } from '../body-limits.ts';
import type { IssueRecord } from '../state.ts';

function findIssue(ctx: RepoContext): IssueRecord {
  const issue = ctx.repo.issues.get(intParam(ctx, 'issue_number'));
  if (!issue) throw notFound(ctx);
  return issue;
}

function findPull(ctx: RepoContext): IssueRecord {
  const issue = ctx.repo.issues.get(intParam(ctx, 'pull_number'));
  if (!issue?.pullRequest) throw notFound(ctx);
  return issue;
}

function findComment(ctx: RepoContext) {
  const id = intParam(ctx, 'comment_id');
  const comment = ctx.repo.issueComments.find((c) => c.id === id);
  if (!comment) throw notFound(ctx);
  return comment;
}

/** GitHub's `head` filter is "owner:branch" (or just a branch of the base repo's owner). */
function headMatches(filter: string, ctx: RepoContext, head: string): boolean {
  const [owner, branch] = filter.includes(':') ? filter.split(':', 2) : [ctx.repo.owner.login, filter];
  return owner?.toLowerCase() === ctx.repo.owner.login.toLowerCase() && branch === head;
}

export const issueHandlers: Record<string, RepoHandler> = {
  'issues/get': (ctx) => ({ status: 200, body: issueJson(ctx.core, ctx.repo, findIssue(ctx)) }),

  'issues/create': (ctx) => {
    const body = bodyOf(ctx);
    assertMaxChars(ctx, 'Issue', 'body', body['body'], COMMENT_BODY_MAX_CHARS);
    const issue = ctx.core.createIssue(ctx.repo, {
      title: String(body['title']),
      body: typeof body['body'] === 'string' ? body['body'] : null,
      user: ctx.token.user.login,
    });
    // Labels a token may not set are dropped silently on GitHub; every emulated token may set them.
    if (Array.isArray(body['labels']))
      issue.labels = body['labels'].map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name)));
    return { status: 201, body: issueJson(ctx.core, ctx.repo, issue) };
  },

  'issues/list-for-repo': (ctx) => {
    const state = ctx.query.get('state') ?? 'open';
    const labels = (ctx.query.get('labels') ?? '').split(',').filter((l) => l !== '');
    const creator = ctx.query.get('creator');
    // Pull requests are issues too: GitHub lists both here.
    const issues = [...ctx.repo.issues.values()].filter(
      (i) =>
        (state === 'all' || i.state === state) &&
        labels.every((l) => i.labels.some((own) => own.toLowerCase() === l.toLowerCase())) &&
        (!creator || i.user.login.toLowerCase() === creator.toLowerCase()),
    );
    const ascending = ctx.query.get('direction') === 'asc';
    if (!ascending) issues.reverse();
    const page = paginate(ctx, issues);
    return { status: 200, body: page.items.map((i) => issueJson(ctx.core, ctx.repo, i)), headers: page.headers };
  },

  'issues/update': (ctx) => {
    const issue = findIssue(ctx);
    const body = bodyOf(ctx);
    assertMaxChars(ctx, 'Issue', 'body', body['body'], COMMENT_BODY_MAX_CHARS);
    if (typeof body['title'] === 'string') issue.title = body['title'];
    if (typeof body['body'] === 'string' || body['body'] === null) issue.body = body['body'];
    if (body['state'] === 'open' || body['state'] === 'closed') {
      issue.state = body['state'];
      issue.closedAt = body['state'] === 'closed' ? ctx.core.now() : null;
    }
    if (Array.isArray(body['labels']))
      issue.labels = body['labels'].map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name)));
    issue.updatedAt = ctx.core.now();
    return { status: 200, body: issueJson(ctx.core, ctx.repo, issue) };
  },

  'pulls/get': (ctx) => ({ status: 200, body: pullJson(ctx.core, ctx.repo, findPull(ctx), true) }),

  'pulls/create': (ctx) => {
    const body = bodyOf(ctx);
    assertMaxChars(ctx, 'PullRequest', 'body', body['body'], COMMENT_BODY_MAX_CHARS);
    const base = String(body['base']);
    const headFilter = String(body['head']);
    // "owner:branch" names a fork's branch; only this repository's own branches are emulated.
    const [owner, head = ''] = headFilter.includes(':') ? headFilter.split(':', 2) : [ctx.repo.owner.login, headFilter];
    const headSha = ctx.repo.refs.get(`refs/heads/${head}`)?.sha;
    const baseSha = ctx.repo.refs.get(`refs/heads/${base}`)?.sha;
    if (owner?.toLowerCase() !== ctx.repo.owner.login.toLowerCase() || !headSha)
      throw validationFailed(ctx, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (!baseSha) throw validationFailed(ctx, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (headSha === baseSha || isAncestorOrSelf(ctx, headSha, baseSha))
      throw validationFailed(ctx, [
        { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
      ]);
    const open = [...ctx.repo.issues.values()].find(
      (i) => i.pullRequest && i.state === 'open' && i.pullRequest.head === head && i.pullRequest.base === base,
    );
    if (open)
      throw validationFailed(ctx, [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${ctx.repo.owner.login}:${head}.`,
        },
      ]);
    const pull = ctx.core.createIssue(ctx.repo, {
      title: String(body['title']),
      body: typeof body['body'] === 'string' ? body['body'] : null,
      user: ctx.token.user.login,
      pullRequest: { head, base, headSha, baseSha, merged: false, draft: body['draft'] === true },
    });
    return { status: 201, body: pullJson(ctx.core, ctx.repo, pull, true) };
  },

  'pulls/update': (ctx) => {
    const pull = findPull(ctx);
    const body = bodyOf(ctx);
    assertMaxChars(ctx, 'PullRequest', 'body', body['body'], COMMENT_BODY_MAX_CHARS);
    if (typeof body['title'] === 'string') pull.title = body['title'];
    if (typeof body['body'] === 'string') pull.body = body['body'];
    if (body['state'] === 'open' || body['state'] === 'closed') {
      pull.state = body['state'];
      pull.closedAt = body['state'] === 'closed' ? ctx.core.now() : null;
    }
    pull.updatedAt = ctx.core.now();
    return { status: 200, body: pullJson(ctx.core, ctx.repo, pull, true) };
  },

  'pulls/list': (ctx) => {
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head');
    const base = ctx.query.get('base');
    const pulls = [...ctx.repo.issues.values()].filter(
      (i) =>
        i.pullRequest &&
        (state === 'all' || i.state === state) &&
        (!head || headMatches(head, ctx, i.pullRequest.head)) &&
        (!base || i.pullRequest.base === base),
    );
    // Newest first, GitHub's default sort (created, desc).
    pulls.reverse();
    const page = paginate(ctx, pulls);
    return { status: 200, body: page.items.map((i) => pullJson(ctx.core, ctx.repo, i, false)), headers: page.headers };
  },

  'repos/list-pull-requests-associated-with-commit': (ctx) => {
    const commit = ctx.core.resolveCommit(ctx.repo, ctx.params['commit_sha'] ?? '');
    if (!commit)
      throw validationFailed(
        ctx,
        [{ resource: 'Commit', code: 'invalid', field: 'sha' }],
        `No commit found for SHA: ${ctx.params['commit_sha']}`,
      );
    // A commit belongs to a PR when the head reaches it and the base did not.
    const pulls = [...ctx.repo.issues.values()].filter(
      (i) =>
        i.pullRequest &&
        isAncestorOrSelf(ctx, commit.sha, i.pullRequest.headSha) &&
        !isAncestorOrSelf(ctx, commit.sha, i.pullRequest.baseSha),
    );
    const page = paginate(ctx, pulls);
    return { status: 200, body: page.items.map((i) => pullJson(ctx.core, ctx.repo, i, false)), headers: page.headers };
  },

  'issues/list-comments': (ctx) => {
    const issue = findIssue(ctx);
    const since = ctx.query.get('since');
    const sinceMs = since ? Date.parse(since) : Number.NaN;
    const comments = ctx.repo.issueComments.filter(
      (c) => c.issueNumber === issue.number && (Number.isNaN(sinceMs) || Date.parse(c.updatedAt) >= sinceMs),
    );
    const page = paginate(ctx, comments);
    return { status: 200, body: page.items.map((c) => issueCommentJson(ctx.core, ctx.repo, c)), headers: page.headers };
  },

  'issues/create-comment': (ctx) => {
    const issue = findIssue(ctx);
    assertMaxChars(ctx, 'IssueComment', 'data', bodyOf(ctx)['body'], COMMENT_BODY_MAX_CHARS);
    const comment = ctx.core.addIssueComment(ctx.repo, issue.number, {
      body: String(bodyOf(ctx)['body']),
      user: ctx.token.user,
    });
    const json = issueCommentJson(ctx.core, ctx.repo, comment);
    return { status: 201, body: json, headers: { location: String(json['url']) } };
  },

  'issues/get-comment': (ctx) => ({ status: 200, body: issueCommentJson(ctx.core, ctx.repo, findComment(ctx)) }),

  'issues/update-comment': (ctx) => {
    const comment = findComment(ctx);
    assertMaxChars(ctx, 'IssueComment', 'data', bodyOf(ctx)['body'], COMMENT_BODY_MAX_CHARS);
    comment.body = String(bodyOf(ctx)['body']);
    comment.updatedAt = ctx.core.now();
    return { status: 200, body: issueCommentJson(ctx.core, ctx.repo, comment) };
  },

  'issues/delete-comment': (ctx) => {
    const comment = findComment(ctx);
    ctx.repo.issueComments.splice(ctx.repo.issueComments.indexOf(comment), 1);
    return { status: 204 };
  },
};

/** Whether `sha` is the PR head or one of its ancestors (bounded walk). */
function isAncestorOrSelf(ctx: RepoContext, sha: string, head: string): boolean {
  const queue = [head];
  for (let steps = 0; queue.length > 0 && steps < 10_000; steps++) {
    const current = queue.shift() as string;
    if (current === sha) return true;
    queue.push(...(ctx.repo.commits.get(current)?.parents ?? []));
  }
  return false;
}
