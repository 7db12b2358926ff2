// Which GitHub App permission each emulated operation needs, following
// GitHub's "permissions required for GitHub Apps" tables. Reads need `read`,
// anything else `write`.
import type { PermissionName, TokenPermissions } from './state.ts';

const BY_OPERATION: Record<string, PermissionName[]> = {
  'repos/get': ['metadata'],
  // Issue endpoints serve pull requests too; either permission is enough on GitHub.
  'issues/get': ['issues', 'pull-requests'],
  'issues/update': ['issues', 'pull-requests'],
  'issues/create': ['issues'],
  'issues/list-for-repo': ['issues'],
  'issues/list-comments': ['issues', 'pull-requests'],
  'issues/create-comment': ['issues', 'pull-requests'],
  'issues/get-comment': ['issues', 'pull-requests'],
  'issues/update-comment': ['issues', 'pull-requests'],
  'issues/delete-comment': ['issues', 'pull-requests'],
  'repos/list-pull-requests-associated-with-commit': ['contents', 'pull-requests'],
  'repos/create-commit-status': ['statuses'],
  'repos/get-combined-status-for-ref': ['statuses'],
  'repos/list-commit-statuses-for-ref': ['statuses'],
};

const BY_PREFIX: Array<[string, PermissionName]> = [
  ['actions/', 'actions'],
  ['pulls/', 'pull-requests'],
  ['checks/', 'checks'],
  ['git/', 'contents'],
  ['repos/create-deployment', 'deployments'],
  ['repos/list-deployment', 'deployments'],
  ['repos/get-deployment', 'deployments'],
  ['repos/delete-deployment', 'deployments'],
  ['repos/', 'contents'],
];

export function requiredPermissions(operationId: string): PermissionName[] {
  const listed = BY_OPERATION[operationId];
  if (listed) return listed;
  const prefixed = BY_PREFIX.find(([prefix]) => operationId.startsWith(prefix));
  return prefixed ? [prefixed[1]] : ['metadata'];
}

/** Whether the token may call the operation with this method. */
export function isPermitted(permissions: TokenPermissions, operationId: string, method: string): boolean {
  const needWrite = method !== 'GET' && method !== 'HEAD';
  return requiredPermissions(operationId).some((name) => {
    // Every installation token can read repository metadata.
    const level = name === 'metadata' ? (permissions[name] ?? 'read') : permissions[name];
    return level === 'write' || (level === 'read' && !needWrite);
  });
}
