// The real adapters for postReport, from what the entry read and built once:
// the runner context and the GitHub client (the action from the runner's
// environment, the CLI from flags, git and the environment).
import { appendFile, readFile } from 'node:fs/promises';
import { gitHubError, openPullRequestsForHead, type GitHubClient } from '@mlship/github';
import { requireRepo, type RunnerContext } from '@mlship/runner-context';
import { gitHubCommentStore } from './comment-store.ts';
import type { PostReportDeps } from './post-report.ts';

export interface ReportRuntime {
  client: GitHubClient;
  context: RunnerContext;
  /** A warning the step goes on after (an annotation in Actions, stderr in a terminal). */
  warn: (message: string) => void;
}

export function createReportDeps({ client, context, warn }: ReportRuntime): PostReportDeps {
  const repo = requireRepo(context, 'the report');
  const summaryPath = context.stepSummaryPath;
  return {
    store: gitHubCommentStore(client, repo),
    lookups: {
      openPullRequestsForHead: async (headOwner, branch) => {
        try {
          return await openPullRequestsForHead(client, repo, headOwner, branch);
        } catch (error) {
          throw gitHubError(error, {
            doing: `find the open pull request of ${headOwner}:${branch} in ${repo.owner}/${repo.repo}`,
            permission: 'pull-requests: read',
          });
        }
      },
    },
    context: {
      eventName: context.eventName ?? '',
      payload: context.payload,
      sha: context.sha ?? '',
      ref: context.ref ?? '',
      repo,
      workflow: context.workflow,
      job: context.job,
    },
    fromFork: context.pullRequest?.fromFork === true,
    readReport: (path) => readFile(path, 'utf8'),
    writeSummary: summaryPath ? (markdown) => appendFile(summaryPath, `${markdown}\n`) : undefined,
    runUrl: context.run?.url,
    warn,
  };
}
