// DeploymentsPort over GitHub's REST API.
import { gitHubError, type GitHubClient, type RepoRef } from '@mlship/github';
import type { Deployment, DeploymentsPort, DeploymentStatusInput } from '../rollout/deployments-port.ts';

/** Every write is one compare-and-swap or an idempotent status, so a re-run finishes what a failed one began. */
const RERUN = ' (the rollout is left consistent)';

/** The task mlship's Deployments carry, so other tools' deployments are told apart. */
export const DEPLOYMENT_TASK = 'deploy:mlship';

function toDeployment(d: { id: number; sha: string; environment: string; payload: unknown }): Deployment {
  return { id: d.id, sha: d.sha, environment: d.environment, payload: d.payload };
}

export function gitHubDeployments(client: GitHubClient, repo: RepoRef): DeploymentsPort {
  const where = `${repo.owner}/${repo.repo}`;
  return {
    async create(request) {
      try {
        const created = await client.rest.repos.createDeployment({
          ...repo,
          ref: request.ref,
          environment: request.environment,
          task: DEPLOYMENT_TASK,
          payload: request.payload,
          description: request.description,
          // The version's checks were gated when it was released (the registry's stage policy);
          // the canary is judged on live evidence instead.
          required_contexts: [],
          auto_merge: false,
          transient_environment: false,
        });
        return toDeployment(created.data as Parameters<typeof toDeployment>[0]);
      } catch (error) {
        throw gitHubError(error, {
          doing: `create a deployment of ${request.ref} to ${request.environment} in ${where}`,
          permission: 'deployments: write',
          rerun: RERUN,
        });
      }
    },
    async get(id) {
      try {
        return toDeployment((await client.rest.repos.getDeployment({ ...repo, deployment_id: id })).data);
      } catch (error) {
        throw gitHubError(error, {
          doing: `read deployment ${id} of ${where}`,
          permission: 'deployments: read',
          rerun: RERUN,
        });
      }
    },
    async latestStatus(id) {
      try {
        const statuses = await client.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id, per_page: 1 });
        const newest = statuses.data[0];
        return newest ? { state: newest.state, description: newest.description ?? '' } : null;
      } catch (error) {
        throw gitHubError(error, {
          doing: `read the statuses of deployment ${id} of ${where}`,
          permission: 'deployments: read',
          rerun: RERUN,
        });
      }
    },
    async setStatus(id: number, status: DeploymentStatusInput) {
      try {
        await client.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: id,
          state: status.state,
          description: status.description,
          ...(status.logUrl ? { log_url: status.logUrl } : {}),
          ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
          // The controller marks the deployment it replaces inactive itself: GitHub documents
          // auto_inactive for non-production environments only.
          auto_inactive: false,
        });
      } catch (error) {
        throw gitHubError(error, {
          doing: `set deployment ${id} of ${where} to ${status.state}`,
          permission: 'deployments: write',
          rerun: RERUN,
        });
      }
    },
  };
}
