// A GitHub API failure as one line a person can act on.
import { GitHubAccessError } from '@mlship/errors';

export function gitHubFailure(error: unknown, what: string, permission: string): GitHubAccessError {
  const status = (error as { status?: unknown } | null)?.status;
  const code = typeof status === 'number' ? status : undefined;
  const detail = (error as { response?: { data?: { message?: unknown } } }).response?.data?.message;
  const why =
    code === 401
      ? 'the token is invalid or expired; pass a valid token'
      : code === 403 || code === 429
        ? `GitHub refused or rate-limited it; give the job \`permissions: ${permission}\`, or re-run later if rate-limited`
        : code === 404
          ? 'GitHub found no such repository or object; check the repository and that the token can see it'
          : code === 422 || code === 409
            ? `GitHub refused it (${typeof detail === 'string' ? detail : code})`
            : code !== undefined && code >= 500
              ? 'GitHub failed to answer; re-run the job (the rollout is left consistent)'
              : `no answer from GitHub (${(error as Error).message}); re-run the job`;
  return new GitHubAccessError(`could not ${what}: ${why}`, {
    ...(code === undefined ? {} : { status: code }),
    cause: error,
  });
}
