// GitHub Deployments as the controller uses them: one Deployment per rollout
// (its payload holds the plan) and its statuses, which people see on the
// repository's environments page.
export interface Deployment {
  id: number;
  /** The commit deployed (GitHub resolves the ref to it). */
  sha: string;
  environment: string;
  payload: unknown;
}

export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'inactive' | 'error';

export interface DeploymentStatusInput {
  state: DeploymentState;
  /** GitHub keeps at most 140 characters. */
  description: string;
  /** The run that wrote the status. */
  logUrl?: string;
  /** Where the environment is served. */
  environmentUrl?: string;
}

export interface DeploymentsPort {
  create(request: {
    ref: string;
    environment: string;
    payload: Record<string, unknown>;
    description: string;
  }): Promise<Deployment>;
  get(id: number): Promise<Deployment>;
  /** The newest status, or null when the deployment has none. */
  latestStatus(id: number): Promise<{ state: string; description: string } | null>;
  setStatus(id: number, status: DeploymentStatusInput): Promise<void>;
}
