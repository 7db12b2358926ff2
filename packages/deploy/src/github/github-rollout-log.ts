// The rollout log on GitHub: entry N of model M is refs/mlship/rollouts/M/N
// (created by compare-and-swap), refs/mlship/rollout-head/M names the newest.
import { gitHubError, RefLog, type GitHubClient, type RepoRef } from '@mlship/github';
import { formatEventMessage, parseEventMessage, type RolloutEvent } from '../rollout/rollout-event.ts';
import type { RolloutLog } from '../rollout/rollout-log.ts';

/** Every write is one compare-and-swap or an idempotent status, so a re-run finishes what a failed one began. */
const RERUN = ' (the rollout is left consistent)';

/** A model name as one ref segment: names may hold '/', which would nest refs. */
function segment(model: string): string {
  return model.replaceAll('/', '+');
}

export function gitHubRolloutLog(client: GitHubClient, repo: RepoRef): RolloutLog {
  const log = new RefLog(client, repo, { entries: 'mlship/rollouts', head: 'mlship/rollout-head' });
  const where = `${repo.owner}/${repo.repo}`;
  return {
    async latest(model) {
      let entry;
      try {
        entry = await log.latest(segment(model));
      } catch (error) {
        throw gitHubError(error, {
          doing: `read the rollout log of ${model} in ${where}`,
          permission: 'contents: read',
          rerun: RERUN,
        });
      }
      return entry ? parseEventMessage(entry.message, `refs/mlship/rollouts/${segment(model)}/${entry.seq}`) : null;
    },
    async append(event: RolloutEvent, commit: string) {
      try {
        return await log.append(segment(event.model), event.seq, { message: formatEventMessage(event), commit });
      } catch (error) {
        throw gitHubError(error, {
          doing: `write the rollout log of ${event.model} in ${where}`,
          permission: 'contents: write',
          rerun: RERUN,
        });
      }
    },
  };
}
