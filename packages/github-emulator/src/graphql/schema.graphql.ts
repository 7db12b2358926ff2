// The slice of GitHub's GraphQL schema that mlship's callers use: reading a
// PR's or issue's comments page by page, comments (issue or commit) by node
// id, minimizing (hiding) a comment, and a ref's annotated tag message. Names and types follow GitHub's schema.
export const GRAPHQL_SDL = /* GraphQL */ `
  scalar BigInt
  scalar DateTime
  scalar URI

  interface Node {
    id: ID!
  }

  interface Actor {
    login: String!
  }

  type User implements Actor & Node {
    id: ID!
    login: String!
  }

  type Bot implements Actor & Node {
    id: ID!
    login: String!
  }

  interface Minimizable {
    isMinimized: Boolean!
    minimizedReason: String
    viewerCanMinimize: Boolean!
  }

  type IssueComment implements Node & Minimizable {
    id: ID!
    databaseId: Int
    fullDatabaseId: BigInt
    body: String!
    author: Actor
    createdAt: DateTime!
    updatedAt: DateTime!
    url: URI!
    viewerDidAuthor: Boolean!
    viewerCanUpdate: Boolean!
    issue: Issue!
    pullRequest: PullRequest
    repository: Repository!
    isMinimized: Boolean!
    minimizedReason: String
    viewerCanMinimize: Boolean!
  }

  interface GitObject {
    id: ID!
    oid: String!
  }

  type Commit implements Node & GitObject {
    id: ID!
    oid: String!
  }

  type Tag implements Node & GitObject {
    id: ID!
    oid: String!
    name: String!
    message: String
    target: GitObject!
  }

  type Ref implements Node {
    id: ID!
    name: String!
    prefix: String!
    target: GitObject
  }

  type CommitComment implements Node {
    id: ID!
    databaseId: Int
    body: String!
    author: Actor
    createdAt: DateTime!
    updatedAt: DateTime!
    url: URI!
    viewerDidAuthor: Boolean!
    commit: Commit
    repository: Repository!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type IssueCommentEdge {
    cursor: String!
    node: IssueComment
  }

  type IssueCommentConnection {
    nodes: [IssueComment]
    edges: [IssueCommentEdge]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type PullRequest implements Node {
    id: ID!
    number: Int!
    title: String!
    url: URI!
    comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
  }

  type Issue implements Node {
    id: ID!
    number: Int!
    title: String!
    url: URI!
    comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
  }

  type Repository implements Node {
    id: ID!
    name: String!
    nameWithOwner: String!
    pullRequest(number: Int!): PullRequest
    issue(number: Int!): Issue
    ref(qualifiedName: String!): Ref
  }

  type Query {
    node(id: ID!): Node
    repository(owner: String!, name: String!): Repository
    viewer: User!
  }

  enum ReportedContentClassifiers {
    SPAM
    ABUSE
    OFF_TOPIC
    OUTDATED
    DUPLICATE
    RESOLVED
  }

  input MinimizeCommentInput {
    subjectId: ID!
    classifier: ReportedContentClassifiers!
    clientMutationId: String
  }

  input UnminimizeCommentInput {
    subjectId: ID!
    clientMutationId: String
  }

  type MinimizeCommentPayload {
    clientMutationId: String
    minimizedComment: Minimizable
  }

  type UnminimizeCommentPayload {
    clientMutationId: String
    unminimizedComment: Minimizable
  }

  type Mutation {
    minimizeComment(input: MinimizeCommentInput!): MinimizeCommentPayload
    unminimizeComment(input: UnminimizeCommentInput!): UnminimizeCommentPayload
  }
`;
