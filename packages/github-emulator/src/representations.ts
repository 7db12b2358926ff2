// JSON representations of stored records, shaped like GitHub's responses so
// that they validate against the OpenAPI response schemas.
import type { EmulatorCore } from './emulator-core.ts';
import { nodeId } from './ids.ts';
import type { IssueCommentRecord, IssueRecord, RepoRecord, UserRecord } from './state.ts';

type Json = Record<string, unknown>;

/** GitHub's node-id prefix for an account. */
export function userNodePrefix(user: UserRecord): 'U' | 'BOT' | 'O' {
  return user.type === 'Bot' ? 'BOT' : user.type === 'Organization' ? 'O' : 'U';
}

export function userJson(core: EmulatorCore, user: UserRecord): Json {
  const api = `${core.urls.apiUrl}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(userNodePrefix(user), user.id),
    avatar_url: `${core.urls.serverUrl}/avatars/${user.id}`,
    gravatar_id: '',
    url: api,
    html_url: `${core.urls.serverUrl}/${encodeURIComponent(user.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    site_admin: false,
  };
}

export function repoApiUrl(core: EmulatorCore, repo: RepoRecord): string {
  return `${core.urls.apiUrl}/repos/${repo.fullName}`;
}

export function repoHtmlUrl(core: EmulatorCore, repo: RepoRecord): string {
  return `${core.urls.serverUrl}/${repo.fullName}`;
}

/** The `repository` (minimal) representation embedded in other objects. */
export function repoJson(core: EmulatorCore, repo: RepoRecord): Json {
  const api = repoApiUrl(core, repo);
  const host = new URL(core.urls.serverUrl).host;
  const pushedAt = [...repo.commits.values()].at(-1)?.author.date ?? repo.createdAt;
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: userJson(core, repo.owner),
    private: false,
    html_url: repoHtmlUrl(core, repo),
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${repo.fullName}.git`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${repoHtmlUrl(core, repo)}.git`,
    mirror_url: null,
    svn_url: repoHtmlUrl(core, repo),
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: [...repo.issues.values()].filter((i) => i.state === 'open').length,
    open_issues: [...repo.issues.values()].filter((i) => i.state === 'open').length,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    license: null,
    pushed_at: pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
}

export function fullRepoJson(core: EmulatorCore, repo: RepoRecord): Json {
  return {
    ...repoJson(core, repo),
    network_count: 0,
    subscribers_count: 0,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    organization: userJson(core, repo.owner),
  };
}

export function authorAssociation(repo: RepoRecord, user: UserRecord): string {
  return user.login.toLowerCase() === repo.owner.login.toLowerCase()
    ? 'OWNER'
    : user.type === 'Bot'
      ? 'NONE'
      : 'CONTRIBUTOR';
}

function issueHtmlUrl(core: EmulatorCore, repo: RepoRecord, issue: IssueRecord): string {
  return `${repoHtmlUrl(core, repo)}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`;
}

function reactions(url: string): Json {
  return {
    url: `${url}/reactions`,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    confused: 0,
    heart: 0,
    hooray: 0,
    eyes: 0,
    rocket: 0,
  };
}

export function issueJson(core: EmulatorCore, repo: RepoRecord, issue: IssueRecord): Json {
  const api = `${repoApiUrl(core, repo)}/issues/${issue.number}`;
  const comments = repo.issueComments.filter((c) => c.issueNumber === issue.number).length;
  const json: Json = {
    id: issue.id,
    node_id: nodeId(issue.pullRequest ? 'PR' : 'I', repo.id, issue.id),
    url: api,
    repository_url: repoApiUrl(core, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: issueHtmlUrl(core, repo, issue),
    number: issue.number,
    state: issue.state,
    state_reason: null,
    title: issue.title,
    body: issue.body,
    user: userJson(core, issue.user),
    labels: issue.labels.map((name) => ({ name })),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: authorAssociation(repo, issue.user),
    reactions: reactions(api),
  };
  if (issue.pullRequest) {
    const pulls = `${repoApiUrl(core, repo)}/pulls/${issue.number}`;
    json['pull_request'] = {
      url: pulls,
      html_url: issueHtmlUrl(core, repo, issue),
      diff_url: `${issueHtmlUrl(core, repo, issue)}.diff`,
      patch_url: `${issueHtmlUrl(core, repo, issue)}.patch`,
      merged_at: null,
    };
    json['draft'] = issue.pullRequest.draft;
  }
  return json;
}

/** The `pull-request-simple` representation (list endpoints); `full` adds the counters of `pull-request`. */
export function pullJson(core: EmulatorCore, repo: RepoRecord, issue: IssueRecord, full: boolean): Json {
  const pr = issue.pullRequest;
  if (!pr) throw new Error(`issue ${issue.number} is not a pull request`);
  const api = `${repoApiUrl(core, repo)}/pulls/${issue.number}`;
  const issueApi = `${repoApiUrl(core, repo)}/issues/${issue.number}`;
  const html = issueHtmlUrl(core, repo, issue);
  const branch = (ref: string, sha: string): Json => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: userJson(core, repo.owner),
    repo: repoJson(core, repo),
  });
  const link = (href: string): Json => ({ href });
  const json: Json = {
    url: api,
    id: issue.id,
    node_id: nodeId('PR', repo.id, issue.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoApiUrl(core, repo)}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${repoApiUrl(core, repo)}/statuses/${pr.headSha}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: userJson(core, issue.user),
    body: issue.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branch(pr.head, pr.headSha),
    base: branch(pr.base, pr.baseSha),
    _links: {
      self: link(api),
      html: link(html),
      issue: link(issueApi),
      comments: link(`${issueApi}/comments`),
      review_comments: link(`${api}/comments`),
      review_comment: link(`${repoApiUrl(core, repo)}/pulls/comments{/number}`),
      commits: link(`${api}/commits`),
      statuses: link(`${repoApiUrl(core, repo)}/statuses/${pr.headSha}`),
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge: null,
    draft: pr.draft,
  };
  if (!full) return json;
  return {
    ...json,
    merged: pr.merged,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: repo.issueComments.filter((c) => c.issueNumber === issue.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export function issueCommentHtmlUrl(core: EmulatorCore, repo: RepoRecord, comment: IssueCommentRecord): string {
  const issue = repo.issues.get(comment.issueNumber);
  const kind = issue?.pullRequest ? 'pull' : 'issues';
  return `${repoHtmlUrl(core, repo)}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`;
}

export function issueCommentJson(core: EmulatorCore, repo: RepoRecord, comment: IssueCommentRecord): Json {
  const url = `${repoApiUrl(core, repo)}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: nodeId('IC', repo.id, comment.id),
    url,
    html_url: issueCommentHtmlUrl(core, repo, comment),
    body: comment.body,
    user: userJson(core, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${repoApiUrl(core, repo)}/issues/${comment.issueNumber}`,
    author_association: authorAssociation(repo, comment.user),
    performed_via_github_app: null,
    reactions: reactions(url),
  };
}
