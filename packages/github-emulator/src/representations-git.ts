// JSON representations for git data, releases, checks, statuses and deployments.
import type { EmulatorCore } from './emulator-core.ts';
import { nodeId } from './ids.ts';
import { repoApiUrl, repoHtmlUrl, repoJson, userJson, authorAssociation } from './representations.ts';
import type {
  CheckRunRecord,
  CommitCommentRecord,
  CommitRecord,
  CommitStatusRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  GitRefRecord,
  ReleaseAssetRecord,
  ReleaseRecord,
  RepoRecord,
  TagObjectRecord,
  UserRecord,
} from './state.ts';

type Json = Record<string, unknown>;

/** Ref names may hold characters URLs cannot ("churn#prod#1"); slashes and "@" stay readable. */
function encodeRefPath(ref: string): string {
  return ref
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%40/g, '@'))
    .join('/');
}

export function releaseHtmlUrl(core: EmulatorCore, repo: RepoRecord, release: ReleaseRecord): string {
  // Drafts have no tag yet; GitHub links them by an "untagged-" placeholder.
  const tag = release.draft ? `untagged-${release.id}` : encodeURIComponent(release.tagName);
  return `${repoHtmlUrl(core, repo)}/releases/tag/${tag}`;
}

export function assetJson(
  core: EmulatorCore,
  repo: RepoRecord,
  release: ReleaseRecord,
  asset: ReleaseAssetRecord,
): Json {
  const tag = release.draft ? `untagged-${release.id}` : release.tagName;
  return {
    url: `${repoApiUrl(core, repo)}/releases/assets/${asset.id}`,
    browser_download_url: `${repoHtmlUrl(core, repo)}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('RA', repo.id, asset.id),
    name: asset.name,
    label: asset.label,
    state: 'uploaded',
    content_type: asset.contentType,
    size: asset.size,
    digest: asset.digest,
    download_count: asset.downloadCount,
    created_at: asset.createdAt,
    updated_at: asset.updatedAt,
    uploader: userJson(core, asset.uploader),
  };
}

export function releaseJson(core: EmulatorCore, repo: RepoRecord, release: ReleaseRecord): Json {
  const api = `${repoApiUrl(core, repo)}/releases/${release.id}`;
  return {
    url: api,
    html_url: releaseHtmlUrl(core, repo, release),
    assets_url: `${api}/assets`,
    upload_url: `${core.urls.uploadsUrl}/repos/${repo.fullName}/releases/${release.id}/assets{?name,label}`,
    tarball_url: release.draft ? null : `${repoApiUrl(core, repo)}/tarball/${encodeURIComponent(release.tagName)}`,
    zipball_url: release.draft ? null : `${repoApiUrl(core, repo)}/zipball/${encodeURIComponent(release.tagName)}`,
    id: release.id,
    node_id: nodeId('RE', repo.id, release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: release.immutable,
    created_at: release.createdAt,
    published_at: release.publishedAt,
    updated_at: release.publishedAt ?? release.createdAt,
    author: userJson(core, release.author),
    assets: release.assets.map((a) => assetJson(core, repo, release, a)),
  };
}

export function refJson(core: EmulatorCore, repo: RepoRecord, ref: GitRefRecord): Json {
  const objectPath = ref.objectType === 'tag' ? 'tags' : 'commits';
  return {
    ref: ref.ref,
    node_id: nodeId('REF', repo.id, ref.ref),
    url: `${repoApiUrl(core, repo)}/git/${encodeRefPath(ref.ref)}`,
    object: { type: ref.objectType, sha: ref.sha, url: `${repoApiUrl(core, repo)}/git/${objectPath}/${ref.sha}` },
  };
}

export function tagObjectJson(core: EmulatorCore, repo: RepoRecord, tag: TagObjectRecord): Json {
  const objectPath = tag.object.type === 'tag' ? 'tags' : `${tag.object.type}s`;
  return {
    node_id: nodeId('TA', repo.id, tag.sha),
    tag: tag.tag,
    sha: tag.sha,
    url: `${repoApiUrl(core, repo)}/git/tags/${tag.sha}`,
    message: tag.message,
    tagger: tag.tagger,
    object: {
      type: tag.object.type,
      sha: tag.object.sha,
      url: `${repoApiUrl(core, repo)}/git/${objectPath}/${tag.object.sha}`,
    },
    verification: UNSIGNED,
  };
}

const UNSIGNED = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

export function gitCommitJson(core: EmulatorCore, repo: RepoRecord, commit: CommitRecord): Json {
  return {
    sha: commit.sha,
    node_id: nodeId('C', repo.id, commit.sha),
    url: `${repoApiUrl(core, repo)}/git/commits/${commit.sha}`,
    html_url: `${repoHtmlUrl(core, repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer ?? commit.author,
    tree: { sha: commit.treeSha, url: `${repoApiUrl(core, repo)}/git/trees/${commit.treeSha}` },
    message: commit.message,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${repoApiUrl(core, repo)}/git/commits/${sha}`,
      html_url: `${repoHtmlUrl(core, repo)}/commit/${sha}`,
    })),
    verification: UNSIGNED,
  };
}

export function commitJson(core: EmulatorCore, repo: RepoRecord, commit: CommitRecord): Json {
  const api = `${repoApiUrl(core, repo)}/commits/${commit.sha}`;
  return {
    url: api,
    sha: commit.sha,
    node_id: nodeId('C', repo.id, commit.sha),
    html_url: `${repoHtmlUrl(core, repo)}/commit/${commit.sha}`,
    comments_url: `${api}/comments`,
    commit: {
      url: `${repoApiUrl(core, repo)}/git/commits/${commit.sha}`,
      author: commit.author,
      committer: commit.committer ?? commit.author,
      message: commit.message,
      comment_count: repo.commitComments.filter((c) => c.commitId === commit.sha).length,
      tree: { sha: commit.treeSha, url: `${repoApiUrl(core, repo)}/git/trees/${commit.treeSha}` },
      verification: UNSIGNED,
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${repoApiUrl(core, repo)}/commits/${sha}`,
      html_url: `${repoHtmlUrl(core, repo)}/commit/${sha}`,
    })),
    stats: { additions: 0, deletions: 0, total: 0 },
    files: [],
  };
}

export function commitCommentJson(core: EmulatorCore, repo: RepoRecord, comment: CommitCommentRecord): Json {
  const url = `${repoApiUrl(core, repo)}/comments/${comment.id}`;
  return {
    html_url: `${repoHtmlUrl(core, repo)}/commit/${comment.commitId}#commitcomment-${comment.id}`,
    url,
    id: comment.id,
    node_id: nodeId('CC', repo.id, comment.id),
    body: comment.body,
    path: comment.path,
    position: comment.position,
    line: comment.line,
    commit_id: comment.commitId,
    user: userJson(core, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(repo, comment.user),
    reactions: {
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
    },
  };
}

/** The GitHub App behind check runs and deployments made with GITHUB_TOKEN. */
export function actionsAppJson(core: EmulatorCore, owner: UserRecord): Json {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: userJson(core, owner),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${core.urls.serverUrl}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: {
      checks: 'write',
      contents: 'write',
      deployments: 'write',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'write',
    },
    events: ['check_run', 'check_suite', 'deployment', 'pull_request', 'push'],
  };
}

export function checkRunJson(core: EmulatorCore, repo: RepoRecord, run: CheckRunRecord): Json {
  const url = `${repoApiUrl(core, repo)}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CR', repo.id, run.id),
    external_id: run.externalId ?? '',
    url,
    html_url: `${repoHtmlUrl(core, repo)}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${repoHtmlUrl(core, repo)}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: actionsAppJson(core, repo.owner),
    pull_requests: [],
  };
}

export function statusJson(core: EmulatorCore, repo: RepoRecord, status: CommitStatusRecord): Json {
  return {
    url: `${repoApiUrl(core, repo)}/statuses/${status.sha}`,
    avatar_url: `${core.urls.serverUrl}/avatars/${status.creator.id}`,
    id: status.id,
    node_id: nodeId('SC', repo.id, status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
    creator: userJson(core, status.creator),
  };
}

export function combinedStatusJson(
  core: EmulatorCore,
  repo: RepoRecord,
  sha: string,
  statuses: CommitStatusRecord[],
): Json {
  // The latest status per context counts; any failure/error fails, none or any pending is pending.
  const latest = new Map<string, CommitStatusRecord>();
  for (const status of statuses) latest.set(status.context, status);
  const states = [...latest.values()].map((s) => s.state);
  const state = states.some((s) => s === 'error' || s === 'failure')
    ? 'failure'
    : states.length === 0 || states.some((s) => s === 'pending')
      ? 'pending'
      : 'success';
  return {
    state,
    sha,
    total_count: latest.size,
    statuses: [...latest.values()].reverse().map((s) => ({
      ...statusJson(core, repo, s),
      required: false,
    })),
    repository: { ...repoJson(core, repo) },
    commit_url: `${repoApiUrl(core, repo)}/commits/${sha}`,
    url: `${repoApiUrl(core, repo)}/commits/${sha}/status`,
  };
}

export function deploymentJson(core: EmulatorCore, repo: RepoRecord, deployment: DeploymentRecord): Json {
  const url = `${repoApiUrl(core, repo)}/deployments/${deployment.id}`;
  return {
    url,
    id: deployment.id,
    node_id: nodeId('DE', repo.id, deployment.id),
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: deployment.payload,
    original_environment: deployment.environment,
    environment: deployment.environment,
    description: deployment.description,
    creator: userJson(core, deployment.creator),
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: repoApiUrl(core, repo),
    transient_environment: deployment.transientEnvironment,
    production_environment: deployment.productionEnvironment,
    performed_via_github_app: null,
  };
}

export function deploymentStatusJson(
  core: EmulatorCore,
  repo: RepoRecord,
  deployment: DeploymentRecord,
  status: DeploymentStatusRecord,
): Json {
  const deploymentUrl = `${repoApiUrl(core, repo)}/deployments/${deployment.id}`;
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: nodeId('DES', repo.id, status.id),
    state: status.state,
    creator: userJson(core, status.creator),
    description: status.description,
    environment: status.environment,
    target_url: status.logUrl,
    log_url: status.logUrl,
    environment_url: status.environmentUrl,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
    deployment_url: deploymentUrl,
    repository_url: repoApiUrl(core, repo),
    performed_via_github_app: null,
  };
}
