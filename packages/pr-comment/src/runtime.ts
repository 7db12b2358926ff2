// The real adapters for postReport, built from a runner's environment (the
// action) or from flags (the CLI, which passes the same environment shape).
import { appendFile, readFile } from 'node:fs/promises';
import { InputError } from '@mlship/errors';
import { createGitHubClient, openPullRequestsForHead, type RepoRef } from '@mlship/github';
import { accessError } from './access-errors.ts';
import { gitHubCommentStore } from './comment-store.ts';
import type { PostReportDeps } from './post-report.ts';

export interface RuntimeOptions {
  token: string;
  env: Record<string, string | undefined>;
  /** Overrides GITHUB_REPOSITORY ("owner/name"). */
  repo?: string | undefined;
  /** Overrides GITHUB_API_URL (GitHub Enterprise Server, the emulator). */
  apiUrl?: string | undefined;
}

export function parseRepo(text: string | undefined, source: string): RepoRef {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text ?? '');
  if (!match) throw new InputError(`${source}: expected 'owner/name', got '${text ?? ''}'`);
  return { owner: match[1]!, repo: match[2]! };
}

async function readEventPayload(path: string | undefined): Promise<unknown> {
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    // Outside a workflow (or an unreadable event file) only explicit targets can resolve.
    return {};
  }
}

/** Workflow commands escape %, CR and LF in messages. */
function workflowCommandText(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export async function createReportDeps(options: RuntimeOptions): Promise<PostReportDeps> {
  const { env } = options;
  const repo = parseRepo(options.repo ?? env.GITHUB_REPOSITORY, options.repo ? '--repo' : 'GITHUB_REPOSITORY');
  const client = createGitHubClient({ token: options.token, baseUrl: options.apiUrl ?? env.GITHUB_API_URL });
  const summaryPath = env.GITHUB_STEP_SUMMARY;
  const runUrl = env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repo.owner}/${repo.repo}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
  return {
    store: gitHubCommentStore(client, repo),
    lookups: {
      openPullRequestsForHead: async (headOwner, branch) => {
        try {
          return await openPullRequestsForHead(client, repo, headOwner, branch);
        } catch (error) {
          const where = `${repo.owner}/${repo.repo} (pull requests of ${headOwner}:${branch})`;
          throw accessError(error, 'read', { where, target: { kind: 'issue', number: 0 }, targetInput: 'auto' });
        }
      },
    },
    context: {
      eventName: env.GITHUB_EVENT_NAME ?? '',
      payload: await readEventPayload(env.GITHUB_EVENT_PATH),
      sha: env.GITHUB_SHA ?? '',
      ref: env.GITHUB_REF ?? '',
      repo,
      workflow: env.GITHUB_WORKFLOW,
      job: env.GITHUB_JOB,
    },
    readReport: (path) => readFile(path, 'utf8'),
    writeSummary: summaryPath ? (markdown) => appendFile(summaryPath, `${markdown}\n`) : undefined,
    runUrl,
    warn: (message) => {
      if (env.GITHUB_ACTIONS === 'true') process.stdout.write(`::warning::${workflowCommandText(message)}\n`);
      else process.stderr.write(`warning: ${message}\n`);
    },
  };
}
