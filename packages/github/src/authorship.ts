// Who wrote a comment, as the token's own identity sees it. GraphQL's
// `viewerDidAuthor` works for GITHUB_TOKEN and App tokens, where REST GET /user
// is refused, so no login needs to be known or configured.
import { GraphqlResponseError } from '@octokit/graphql';
import type { GitHubClient } from './client.ts';

export interface CommentNode {
  nodeId: string;
  /** REST id, for update URLs. */
  id: number;
  body: string;
  htmlUrl: string;
  viewerDidAuthor: boolean;
  /** The issue/PR number for issue comments; undefined for commit comments. */
  issueNumber: number | undefined;
  /** The commit for commit comments. */
  commitSha: string | undefined;
}

const QUERY = `query mlshipCommentNodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on IssueComment { id databaseId body url viewerDidAuthor issue { number } }
    ... on CommitComment { id databaseId body url viewerDidAuthor commit { oid } }
  }
}`;

interface RawNode {
  __typename?: string;
  id?: string;
  databaseId?: number;
  body?: string;
  url?: string;
  viewerDidAuthor?: boolean;
  issue?: { number: number } | null;
  commit?: { oid: string } | null;
}

const MAX_IDS_PER_QUERY = 100;

/**
 * Looks up comments by node id in one GraphQL request per 100 ids. Ids that
 * no longer exist (a deleted comment), or name something that is not a
 * comment, come back undefined rather than failing the lookup.
 */
export async function fetchCommentNodes(client: GitHubClient, nodeIds: readonly string[]): Promise<Map<string, CommentNode>> {
  const found = new Map<string, CommentNode>();
  for (let start = 0; start < nodeIds.length; start += MAX_IDS_PER_QUERY) {
    const ids = nodeIds.slice(start, start + MAX_IDS_PER_QUERY);
    let nodes: Array<RawNode | null>;
    try {
      nodes = (await client.graphql<{ nodes: Array<RawNode | null> }>(QUERY, { ids })).nodes;
    } catch (error) {
      // NOT_FOUND for a deleted id still returns the other nodes as data.
      const onlyMissing = error instanceof GraphqlResponseError && error.errors?.every((e) => e.type === 'NOT_FOUND');
      if (!onlyMissing) throw error;
      nodes = (error.data as { nodes?: Array<RawNode | null> } | undefined)?.nodes ?? [];
    }
    for (const node of nodes) {
      if (!node?.id || node.databaseId === undefined || typeof node.body !== 'string') continue;
      found.set(node.id, {
        nodeId: node.id,
        id: node.databaseId,
        body: node.body,
        htmlUrl: node.url ?? '',
        viewerDidAuthor: node.viewerDidAuthor === true,
        issueNumber: node.issue?.number,
        commitSha: node.commit?.oid,
      });
    }
  }
  return found;
}
