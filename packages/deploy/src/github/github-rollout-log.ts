// The rollout log on GitHub: entry N of model M is refs/mlship/rollouts/M/N
// (created by compare-and-swap), refs/mlship/rollout-head/M names the newest.
import { RefLog, type GitHubClient, type RepoRef } from '@mlship/github';
import { formatEventMessage, parseEventMessage, type RolloutEvent } from '../rollout/rollout-event.ts';
import type { RolloutLog } from '../rollout/rollout-log.ts';
import { gitHubFailure } from './github-failure.ts';

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
        throw gitHubFailure(error, `read the rollout log of ${model} in ${where}`, 'contents: read');
      }
      return entry ? parseEventMessage(entry.message, `refs/mlship/rollouts/${segment(model)}/${entry.seq}`) : null;
    },
    async append(event: RolloutEvent, commit: string) {
      try {
        return await log.append(segment(event.model), event.seq, { message: formatEventMessage(event), commit });
      } catch (error) {
        throw gitHubFailure(error, `write the rollout log of ${event.model} in ${where}`, 'contents: write');
      }
    },
  };
}
