// POST /api/graphql: executes queries against the slice of GitHub's schema in
// schema.graphql.ts with hand-written resolvers over the emulator's state.
import { buildSchema, graphql, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { EmulatorCore } from '../emulator-core.ts';
import { issueCommentHtmlUrl, nodeId, parseNodeId } from '../representations.ts';
import type { IssueCommentRecord, IssueRecord, RepoRecord, TokenRecord, UserRecord } from '../state.ts';
import { GRAPHQL_SDL } from './schema.graphql.ts';

const MAX_PAGE_SIZE = 100;
let schema: GraphQLSchema | undefined;

export async function handleGraphql(core: EmulatorCore, token: TokenRecord, body: unknown): Promise<Record<string, unknown>> {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== 'string') {
    return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  }
  schema ??= buildSchema(GRAPHQL_SDL);
  const result = await graphql({
    schema,
    source: request.query,
    rootValue: rootResolvers(core, token),
    variableValues: (request.variables ?? {}) as Record<string, unknown>,
    operationName: typeof request.operationName === 'string' ? request.operationName : undefined,
  });
  const json: Record<string, unknown> = {};
  if (result.errors?.length) json['errors'] = result.errors.map(toGitHubError);
  if (result.data !== undefined) json['data'] = result.data;
  return json;
}

/** GitHub words schema errors its own way; callers match on these texts and codes. */
function toGitHubError(error: GraphQLError): Record<string, unknown> {
  const undefinedField = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  const base = { locations: error.locations, ...(error.path ? { path: error.path } : {}) };
  if (undefinedField) {
    return {
      ...base,
      message: `Field '${undefinedField[1]}' doesn't exist on type '${undefinedField[2]}'`,
      extensions: { code: 'undefinedField', typeName: undefinedField[2], fieldName: undefinedField[1] },
    };
  }
  // GitHub reports resolver failures with a top-level `type` (NOT_FOUND, FORBIDDEN ...).
  const type = error.extensions?.['type'];
  return { ...base, message: error.message, ...(typeof type === 'string' ? { type } : {}) };
}

class GraphqlFailure extends Error {
  readonly extensions: Record<string, unknown>;
  constructor(message: string, type: string) {
    super(message);
    this.extensions = { type };
  }
}

function rootResolvers(core: EmulatorCore, token: TokenRecord) {
  const canRead = ['issues', 'pull-requests'].some((p) => token.permissions[p as 'issues'] !== undefined);
  const canWrite = ['issues', 'pull-requests'].some((p) => token.permissions[p as 'issues'] === 'write');
  const actor = (user: UserRecord) => ({ __typename: user.type === 'Bot' ? 'Bot' : 'User', id: nodeId(user.type === 'Bot' ? 'BOT' : 'U', user.id), login: user.login });
  const comment = (repo: RepoRecord, record: IssueCommentRecord) => ({
    __typename: 'IssueComment',
    id: nodeId('IC', record.id),
    databaseId: record.id,
    body: record.body,
    author: actor(record.user),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    url: issueCommentHtmlUrl(core, repo, record),
    viewerDidAuthor: record.user.id === token.user.id,
    viewerCanUpdate: canWrite && record.user.id === token.user.id,
    // GitHub serves every PR as an issue too: `issue` is set for PR comments as well.
    issue: (): unknown => issueLike(repo, repo.issues.get(record.issueNumber)!, 'Issue'),
    pullRequest: (): unknown => {
      const issue = repo.issues.get(record.issueNumber)!;
      return issue.pullRequest ? issueLike(repo, issue, 'PullRequest') : null;
    },
    isMinimized: record.minimized.isMinimized,
    minimizedReason: record.minimized.reason,
    viewerCanMinimize: canWrite,
  });
  const connection = (repo: RepoRecord, issue: IssueRecord, args: { first?: number; after?: string; last?: number; before?: string }): Record<string, unknown> => {
    const all = repo.issueComments.filter((c) => c.issueNumber === issue.number);
    if (args.first == null && args.last == null) {
      throw new GraphqlFailure('You must provide a `first` or `last` value to properly paginate the `comments` connection.', 'MISSING_PAGINATION_BOUNDARIES');
    }
    for (const [name, value] of [['first', args.first], ['last', args.last]] as const) {
      if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
        throw new GraphqlFailure(`Requesting ${value} records on the \`comments\` connection exceeds the \`${name}\` limit of ${MAX_PAGE_SIZE} records.`, 'EXCESSIVE_PAGINATION');
      }
    }
    let start = 0;
    let end = all.length;
    if (args.after) start = Math.max(start, cursorIndex(args.after) + 1);
    if (args.before) end = Math.min(end, cursorIndex(args.before));
    if (args.first != null) end = Math.min(end, start + args.first);
    if (args.last != null) start = Math.max(start, end - args.last);
    const slice = all.slice(start, Math.max(start, end));
    const edges = slice.map((c, i) => ({ cursor: toCursor(start + i), node: comment(repo, c) }));
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
  const issueLike = (repo: RepoRecord, issue: IssueRecord, typename: 'Issue' | 'PullRequest') => ({
    __typename: typename,
    id: nodeId(typename === 'PullRequest' ? 'PR' : 'I', issue.id),
    number: issue.number,
    title: issue.title,
    comments: (args: { first?: number; after?: string; last?: number; before?: string }) => connection(repo, issue, args),
  });
  const requireRead = () => {
    if (!canRead) throw new GraphqlFailure('Resource not accessible by integration', 'FORBIDDEN');
  };
  const findComment = (id: string) => {
    const parsed = parseNodeId(id);
    return parsed?.kind === 'IC' ? core.findIssueComment(Number(parsed.id)) : undefined;
  };
  // Commit comments are read with the contents permission, like their REST routes.
  const commitCommentNode = (id: string) => {
    if (token.permissions.contents === undefined) throw new GraphqlFailure('Resource not accessible by integration', 'FORBIDDEN');
    const commentId = Number(parseNodeId(id)?.id);
    for (const repo of core.state.repos.values()) {
      const record = repo.commitComments.find((c) => c.id === commentId);
      if (!record) continue;
      return {
        __typename: 'CommitComment',
        id,
        databaseId: record.id,
        body: record.body,
        author: actor(record.user),
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        url: `${core.urls.serverUrl}/${repo.fullName}/commit/${record.commitId}#commitcomment-${record.id}`,
        viewerDidAuthor: record.user.id === token.user.id,
        commit: { __typename: 'Commit', id: nodeId('C', record.commitId), oid: record.commitId },
      };
    }
    return null;
  };
  const setMinimized = (input: { subjectId: string; classifier?: string }, minimized: boolean) => {
    const found = findComment(input.subjectId);
    if (!found) throw new GraphqlFailure(`Could not resolve to a node with the global id of '${input.subjectId}'`, 'NOT_FOUND');
    if (!canWrite) throw new GraphqlFailure('Resource not accessible by integration', 'FORBIDDEN');
    found.comment.minimized = { isMinimized: minimized, reason: minimized ? (input.classifier ?? 'OUTDATED').toLowerCase() : null };
    return comment(found.repo, found.comment);
  };
  return {
    viewer: () => actor(token.user),
    node: ({ id }: { id: string }) => {
      if (parseNodeId(id)?.kind === 'CC') return commitCommentNode(id);
      requireRead();
      const found = findComment(id);
      return found ? comment(found.repo, found.comment) : null;
    },
    repository: ({ owner, name }: { owner: string; name: string }) => {
      requireRead();
      const repo = core.findRepo(owner, name);
      if (!repo) throw new GraphqlFailure(`Could not resolve to a Repository with the name '${owner}/${name}'.`, 'NOT_FOUND');
      const byNumber = (number: number, wantPull: boolean) => {
        const issue = repo.issues.get(number);
        if (!issue || Boolean(issue.pullRequest) !== wantPull) {
          throw new GraphqlFailure(`Could not resolve to ${wantPull ? 'a PullRequest' : 'an Issue'} with the number of ${number}.`, 'NOT_FOUND');
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
      };
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
