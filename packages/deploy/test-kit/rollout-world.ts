// A repository in the GitHub emulator with a churn model in its registry
// (v1.0.0 in prod, v1.1.0 published), a serving runtime behind the reference
// server's API on loopback, and controller dependencies wired to both, with a
// clock the test moves.
import type { GitHubEmulator, RepoHandle } from '@mlship/github-emulator';
import { createGitHubClient } from '@mlship/github';
import { GitHubStore, RegistryService } from '@mlship/registry';
import { gitHubDeployments, gitHubRolloutLog, referenceServerTraffic, type ControllerDeps } from '../src/index.ts';
import { MODEL, churnModel, churnRequests, publishChurnVersion } from './churn-fixture.ts';
import { SimulatedRuntime, startEvidenceServer, type EvidenceServer } from './simulated-runtime.ts';

export interface RolloutWorldOptions {
  /** What v1.1.0 is: as good as prod with other mistakes, clearly worse, or failing every request. */
  canary: 'good' | 'bad' | 'broken';
  /** Publish v1.1.0 with its data profile (default true). */
  canaryProfile?: boolean;
  /** The runtime reads the real clock (for controllers in other processes), not `now`. */
  realClock?: boolean;
}

export interface RolloutWorld {
  repo: RepoHandle;
  commit: string;
  /** A job token: contents and deployments write. */
  token: string;
  runtime: SimulatedRuntime;
  server: EvidenceServer;
  registry: RegistryService;
  /** Rollback evidence the controller posted, in order. */
  comments: { commit: string; markdown: string }[];
  /** The clock the controller and the runtime read. */
  now: { ms: number };
  /** Serves the next `count` labelled requests through the runtime. */
  replay: (count: number) => void;
  /** Publishes another version (with the data profile) and loads it into the runtime. */
  addVersion: (version: string, errorRate: number) => Promise<void>;
  /** Controller dependencies as one job builds them (its own clients). */
  deps: (actor?: string) => ControllerDeps;
  close: () => Promise<void>;
}

let serial = 0;

export async function rolloutWorld(gh: GitHubEmulator, options: RolloutWorldOptions): Promise<RolloutWorld> {
  const repo = gh.createRepo({ owner: 'octo-org', name: `rollout-${process.pid}-${serial++}`, defaultBranch: 'main' });
  const commit = gh.createCommit(repo, { branch: 'main', message: 'Train churn model' });
  const token = gh.createToken({
    login: 'github-actions[bot]',
    type: 'Bot',
    permissions: { contents: 'write', deployments: 'write', metadata: 'read' },
  });
  const client = () => createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
  const store = () => new GitHubStore({ client: client(), owner: repo.owner, repo: repo.name });
  const registry = new RegistryService(store(), { actor: 'alice', sleep: async () => {} });
  const training = churnRequests(600, 1);
  await publishChurnVersion(registry, 'v1.0.0', commit, training);
  await publishChurnVersion(registry, 'v1.1.0', commit, options.canaryProfile === false ? undefined : training);
  await registry.promote({ name: MODEL, version: 'v1.0.0', stage: 'prod' });

  const traffic = churnRequests(30_000, 2, 10_000);
  const labels = new Map(traffic.map((r) => [r.id, String(r.label)]));
  const now = { ms: Date.parse('2026-03-01T10:00:00Z') };
  const runtime = new SimulatedRuntime(
    MODEL,
    [
      churnModel('v1.0.0', labels, { errorRate: 0.1, salt: 1 }),
      churnModel('v1.1.0', labels, {
        errorRate: options.canary === 'bad' ? 0.2 : 0.1,
        salt: 2,
        fails: options.canary === 'broken',
      }),
    ],
    'v1.0.0',
  );
  if (!options.realClock) runtime.clock = () => new Date(now.ms);
  const server = await startEvidenceServer(runtime);
  const comments: RolloutWorld['comments'] = [];
  let next = 0;
  return {
    repo,
    commit,
    token,
    runtime,
    server,
    registry,
    comments,
    now,
    replay: (count) => {
      runtime.replay(traffic.slice(next, next + count));
      next += count;
    },
    addVersion: async (version, errorRate) => {
      await publishChurnVersion(registry, version, commit, training);
      runtime.add(churnModel(version, labels, { errorRate, salt: 3 + runtime.versions.length }));
    },
    deps: (actor = 'github-actions[bot]') => ({
      registry: new RegistryService(store(), { actor, sleep: async () => {} }),
      rollouts: gitHubRolloutLog(client(), { owner: repo.owner, repo: repo.name }),
      deployments: gitHubDeployments(client(), { owner: repo.owner, repo: repo.name }),
      traffic: referenceServerTraffic(server.url, { sleep: async () => {} }),
      postEvidence: async (sha, markdown) => {
        comments.push({ commit: sha, markdown });
        return `${gh.serverUrl}/${repo.fullName}/commit/${sha}#comment-${comments.length}`;
      },
      clock: () => new Date(now.ms),
      actor,
      runUrl: `${gh.serverUrl}/${repo.fullName}/actions/runs/7`,
      environmentUrl: server.url,
    }),
    close: () => server.close(),
  };
}
