// Who wrote a comment, as the token's own identity sees it. GraphQL's
// `viewerDidAuthor` works for GITHUB_TOKEN and App tokens, where REST GET /user
// is refused, so no login needs to be known or configured.
import { GraphqlResponseError } from '@octokit/graphql';
import type { GitHubClient } from './client.ts';
import type { CommentId } from './comments.ts';

export interface CommentNode {
  nodeId: string;
  /**
   * REST id, for update URLs: `IssueComment.fullDatabaseId`. Undefined for commit
   * comments, whose GraphQL type has only the 32-bit `databaseId`; their ids come
   * from the REST listing.
   */
  id: CommentId | undefined;
  body: string;
  htmlUrl: string;
  viewerDidAuthor: boolean;
  /** The issue/PR number for issue comments; undefined for commit comments. */
  issueNumber: number | undefined;
  /** The commit for commit comments. */
  commitSha: string | undefined;
  /** `owner/name` of the repository holding the comment (node ids are global). */
  repository: string | undefined;
}

// Aliased node(id:) lookups rather than nodes(ids:): one request still, and a
// missing id nulls only its own alias. Never `databaseId`: it is a 32-bit Int,
// and github.com's issue-comment ids are past 2^31, where GitHub answers null
// and an error instead of the id.
const FIELDS = {
  issue:
    '... on IssueComment { id fullDatabaseId body url viewerDidAuthor issue { number } pullRequest { number } repository { nameWithOwner } }',
  commit: '... on CommitComment { id body url viewerDidAuthor commit { oid } repository { nameWithOwner } }',
};

function nodesQuery(count: number, kind: CommentKind): string {
  const vars = Array.from({ length: count }, (_, i) => `$id${i}: ID!`).join(', ');
  const nodes = Array.from({ length: count }, (_, i) => `c${i}: node(id: $id${i}) { ${FIELDS[kind]} }`).join('\n  ');
  return `query mlshipCommentNodes(${vars}) {\n  ${nodes}\n}`;
}

export type CommentKind = 'issue' | 'commit';

interface RawNode {
  __typename?: string;
  id?: string;
  /** BigInt: decimal digits in a string. */
  fullDatabaseId?: string | null;
  body?: string;
  url?: string;
  viewerDidAuthor?: boolean;
  issue?: { number: number } | null;
  pullRequest?: { number: number } | null;
  commit?: { oid: string } | null;
  repository?: { nameWithOwner: string } | null;
}

const MAX_IDS_PER_QUERY = 100;

/**
 * Looks up comments of one kind by node id, one GraphQL request per 100 ids.
 * Ids that no longer exist (a deleted comment), or name something else, are
 * left out rather than failing the lookup.
 */
function commentId(value: unknown): CommentId | undefined {
  return typeof value === 'string' && /^[1-9]\d*$/.test(value) ? value : undefined;
}

export async function fetchCommentNodes(
  client: GitHubClient,
  nodeIds: readonly string[],
  kind: CommentKind,
): Promise<Map<string, CommentNode>> {
  const found = new Map<string, CommentNode>();
  for (let start = 0; start < nodeIds.length; start += MAX_IDS_PER_QUERY) {
    const ids = nodeIds.slice(start, start + MAX_IDS_PER_QUERY);
    const variables = Object.fromEntries(ids.map((id, i) => [`id${i}`, id]));
    let data: Record<string, RawNode | null>;
    try {
      data = await client.graphql<Record<string, RawNode | null>>(nodesQuery(ids.length, kind), variables);
    } catch (error) {
      // GitHub answers NOT_FOUND for a deleted id, and still returns the other nodes.
      const onlyMissing = error instanceof GraphqlResponseError && error.errors?.every((e) => e.type === 'NOT_FOUND');
      if (!onlyMissing) throw error;
      data = (error.data as Record<string, RawNode | null> | undefined) ?? {};
    }
    for (const node of Object.values(data)) {
      if (!node?.id || typeof node.body !== 'string') continue;
      const id = kind === 'issue' ? commentId(node.fullDatabaseId) : undefined;
      if (kind === 'issue' && id === undefined) continue;
      found.set(node.id, {
        nodeId: node.id,
        id,
        body: node.body,
        htmlUrl: node.url ?? '',
        viewerDidAuthor: node.viewerDidAuthor === true,
        issueNumber: node.pullRequest?.number ?? node.issue?.number,
        commitSha: node.commit?.oid,
        repository: node.repository?.nameWithOwner,
      });
    }
  }
  return found;
}
