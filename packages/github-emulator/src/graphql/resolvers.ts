// Hand-written resolvers over the emulator's state for the schema slice in
// schema.graphql.ts. Objects carry __typename so interfaces resolve.
import type { EmulatorCore } from '../emulator-core.ts';
import { nodeId, parseNodeId } from '../ids.ts';
import { issueCommentHtmlUrl, repoHtmlUrl, userNodePrefix } from '../representations.ts';
import type {
  CommitCommentRecord,
  IssueCommentRecord,
  IssueRecord,
  RepoRecord,
  TokenRecord,
  UserRecord,
} from '../state.ts';

const MAX_PAGE_SIZE = 100;

/** A failure GitHub reports with a top-level `type` (NOT_FOUND, FORBIDDEN ...). */
export class GraphqlFailure extends Error {
  readonly extensions: Record<string, unknown>;
  constructor(message: string, type: string) {
    super(message);
    this.extensions = { type };
  }
}

interface PageArgs {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

type Json = Record<string, unknown>;

export function rootResolvers(core: EmulatorCore, token: TokenRecord): Json {
  const permissions = token.permissions;
  const canRead =
    permissions.issues !== undefined ||
    permissions['pull-requests'] !== undefined ||
    permissions.contents !== undefined;
  const canWrite =
    permissions.issues === 'write' || permissions['pull-requests'] === 'write' || permissions.contents === 'write';
  const requireRead = () => {
    if (!canRead) throw new GraphqlFailure('Resource not accessible by integration', 'FORBIDDEN');
  };

  const actor = (user: UserRecord): Json => ({
    __typename: user.type === 'Bot' ? 'Bot' : 'User',
    id: nodeId(userNodePrefix(user), user.id),
    login: user.login,
  });

  const viewerFields = (user: UserRecord, minimized: { isMinimized: boolean; reason: string | null }): Json => ({
    author: actor(user),
    viewerDidAuthor: user.id === token.user.id,
    viewerCanUpdate: canWrite && user.id === token.user.id,
    isMinimized: minimized.isMinimized,
    minimizedReason: minimized.reason,
    viewerCanMinimize: canWrite,
  });

  const issueComment = (repo: RepoRecord, record: IssueCommentRecord): Json => {
    const issue = repo.issues.get(record.issueNumber);
    return {
      __typename: 'IssueComment',
      id: nodeId('IC', repo.id, record.id),
      // Past 2^31 GitHub's 32-bit `databaseId` cannot carry the id: the field is
      // null with an "Int cannot represent" error (graphql-js does it here);
      // `fullDatabaseId` is the BigInt, a string on the wire.
      databaseId: record.id,
      fullDatabaseId: String(record.id),
      body: record.body,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      url: issueCommentHtmlUrl(core, repo, record),
      // On GitHub a PR comment's `issue` is the PR's issue; `pullRequest` is null on plain issues.
      issue: () => (issue ? issueLike(repo, issue, 'Issue') : null),
      pullRequest: () => (issue?.pullRequest ? issueLike(repo, issue, 'PullRequest') : null),
      repository: () => repositoryNode(repo),
      ...viewerFields(record.user, record.minimized),
    };
  };

  const commitComment = (repo: RepoRecord, record: CommitCommentRecord): Json => ({
    __typename: 'CommitComment',
    id: nodeId('CC', repo.id, record.id),
    databaseId: record.id,
    body: record.body,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    url: `${repoHtmlUrl(core, repo)}/commit/${record.commitId}#commitcomment-${record.id}`,
    path: record.path,
    position: record.position,
    repository: () => repositoryNode(repo),
    commit: () => {
      const commit = repo.commits.get(record.commitId);
      return commit
        ? { __typename: 'Commit', id: nodeId('C', repo.id, commit.sha), oid: commit.sha, message: commit.message }
        : null;
    },
    ...viewerFields(record.user, record.minimized),
  });

  const connection = (repo: RepoRecord, issue: IssueRecord, args: PageArgs): Json => {
    const all = repo.issueComments.filter((c) => c.issueNumber === issue.number);
    if (args.first == null && args.last == null) {
      throw new GraphqlFailure(
        'You must provide a `first` or `last` value to properly paginate the `comments` connection.',
        'MISSING_PAGINATION_BOUNDARIES',
      );
    }
    for (const [name, value] of [
      ['first', args.first],
      ['last', args.last],
    ] as const) {
      if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
        throw new GraphqlFailure(
          `Requesting ${value} records on the \`comments\` connection exceeds the \`${name}\` limit of ${MAX_PAGE_SIZE} records.`,
          'EXCESSIVE_PAGINATION',
        );
      }
    }
    let start = 0;
    let end = all.length;
    if (args.after) start = Math.max(start, cursorIndex(args.after) + 1);
    if (args.before) end = Math.min(end, cursorIndex(args.before));
    if (args.first != null) end = Math.min(end, start + args.first);
    if (args.last != null) start = Math.max(start, end - args.last);
    const edges = all
      .slice(start, Math.max(start, end))
      .map((c, i) => ({ cursor: toCursor(start + i), node: issueComment(repo, c) }));
    return {
      nodes: edges.map((e) => e.node),
      edges,
      totalCount: all.length,
      pageInfo: {
        hasNextPage: end < all.length,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  };

  function issueLike(repo: RepoRecord, issue: IssueRecord, typename: 'Issue' | 'PullRequest'): Json {
    return {
      __typename: typename,
      id: nodeId(typename === 'PullRequest' ? 'PR' : 'I', repo.id, issue.id),
      number: issue.number,
      title: issue.title,
      url: `${repoHtmlUrl(core, repo)}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`,
      comments: (args: PageArgs) => connection(repo, issue, args),
    };
  }

  function repositoryNode(repo: RepoRecord): Json {
    const byNumber = (number: number, wantPull: boolean) => {
      const issue = repo.issues.get(number);
      if (!issue || Boolean(issue.pullRequest) !== wantPull) {
        throw new GraphqlFailure(
          `Could not resolve to ${wantPull ? 'a PullRequest' : 'an Issue'} with the number of ${number}.`,
          'NOT_FOUND',
        );
      }
      return issueLike(repo, issue, wantPull ? 'PullRequest' : 'Issue');
    };
    return {
      __typename: 'Repository',
      id: nodeId('R', repo.id),
      name: repo.name,
      nameWithOwner: repo.fullName,
      pullRequest: ({ number }: { number: number }) => byNumber(number, true),
      issue: ({ number }: { number: number }) => byNumber(number, false),
      // GitHub takes a full name (`refs/tags/v1`) or a short one (`v1`, looked up as a tag, then a branch).
      ref: ({ qualifiedName }: { qualifiedName: string }) => {
        const found = qualifiedName.startsWith('refs/')
          ? repo.refs.get(qualifiedName)
          : (repo.refs.get(`refs/tags/${qualifiedName}`) ?? repo.refs.get(`refs/heads/${qualifiedName}`));
        if (!found) return null;
        const [, prefix = '', name = found.ref] = /^(refs\/[^/]+\/)(.*)$/.exec(found.ref) ?? [];
        return {
          __typename: 'Ref',
          id: nodeId('REF', repo.id, found.ref),
          name,
          prefix,
          target: () => gitObject(repo, found.sha, found.objectType),
        };
      },
    };
  }

  function gitObject(repo: RepoRecord, sha: string, type: string): Json | null {
    if (type !== 'tag') return { __typename: 'Commit', id: nodeId('C', repo.id, sha), oid: sha };
    const tag = repo.tagObjects.get(sha);
    if (!tag) return null;
    return {
      __typename: 'Tag',
      id: nodeId('TA', repo.id, sha),
      oid: sha,
      name: tag.tag,
      message: tag.message,
      target: () => gitObject(repo, tag.object.sha, tag.object.type),
    };
  }

  /** The repository and database id a repository-scoped node id (`[0, repoId, id]`) names. */
  const scopedNode = (id: string): { prefix: string; repo: RepoRecord; id: number } | undefined => {
    const parsed = parseNodeId(id);
    const [repoId, databaseId] = parsed?.keys ?? [];
    if (!parsed || typeof databaseId !== 'number') return undefined;
    const repo = [...core.state.repos.values()].find((r) => r.id === repoId);
    return repo ? { prefix: parsed.prefix, repo, id: databaseId } : undefined;
  };

  type CommentHit =
    | { kind: 'IC'; repo: RepoRecord; comment: IssueCommentRecord }
    | { kind: 'CC'; repo: RepoRecord; comment: CommitCommentRecord };

  const findComment = (id: string): CommentHit | undefined => {
    const node = scopedNode(id);
    if (node?.prefix === 'IC') {
      const comment = node.repo.issueComments.find((c) => c.id === node.id);
      if (comment) return { kind: 'IC', repo: node.repo, comment };
    }
    if (node?.prefix === 'CC') {
      const comment = node.repo.commitComments.find((c) => c.id === node.id);
      if (comment) return { kind: 'CC', repo: node.repo, comment };
    }
    return undefined;
  };

  const notFound = (id: string) =>
    new GraphqlFailure(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');

  /** The comment, issue or PR a node id names, or a NOT_FOUND failure worded like GitHub's. */
  const resolveNode = (id: string): Json => {
    const comment = findComment(id);
    if (comment?.kind === 'IC') return issueComment(comment.repo, comment.comment);
    if (comment?.kind === 'CC') return commitComment(comment.repo, comment.comment);
    const node = scopedNode(id);
    const issue = node && (node.prefix === 'I' || node.prefix === 'PR') ? node.repo.issues : undefined;
    const found = issue && [...issue.values()].find((i) => i.id === node?.id);
    if (found && Boolean(found.pullRequest) === (node?.prefix === 'PR')) {
      return issueLike(node!.repo, found, node?.prefix === 'PR' ? 'PullRequest' : 'Issue');
    }
    throw notFound(id);
  };

  const setMinimized = (input: { subjectId: string; classifier?: string }, minimized: boolean): Json => {
    const hit = findComment(input.subjectId);
    if (!hit) throw notFound(input.subjectId);
    if (!canWrite) throw new GraphqlFailure('Resource not accessible by integration', 'FORBIDDEN');
    hit.comment.minimized = {
      isMinimized: minimized,
      reason: minimized ? (input.classifier ?? 'OUTDATED').toLowerCase() : null,
    };
    return resolveNode(input.subjectId);
  };

  return {
    viewer: () => actor(token.user),
    node: ({ id }: { id: string }) => {
      requireRead();
      return resolveNode(id);
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      requireRead();
      const repo = core.findRepo(owner, name);
      if (!repo)
        throw new GraphqlFailure(`Could not resolve to a Repository with the name '${owner}/${name}'.`, 'NOT_FOUND');
      return repositoryNode(repo);
    },
    minimizeComment: ({ input }: { input: { subjectId: string; classifier: string; clientMutationId?: string } }) => ({
      clientMutationId: input.clientMutationId ?? null,
      minimizedComment: setMinimized(input, true),
    }),
    unminimizeComment: ({ input }: { input: { subjectId: string; clientMutationId?: string } }) => ({
      clientMutationId: input.clientMutationId ?? null,
      unminimizedComment: setMinimized(input, false),
    }),
  };
}

function toCursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64');
}

function cursorIndex(cursor: string): number {
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? Number(match[1]) : -1;
}
