import type { GlobalHandler, RepoHandler } from '../handler.ts';
import { actionsHandlers } from './actions.ts';
import { checkHandlers } from './checks.ts';
import { gitHandlers } from './git.ts';
import { issueHandlers } from './issues.ts';
import { releaseHandlers } from './releases.ts';
import { globalHandlers as userHandlers, repoHandlers as repositoryHandlers } from './repos.ts';

/** Operations that act on one repository ({owner}/{repo} in the path). */
export const repoHandlers: Record<string, RepoHandler> = {
  ...repositoryHandlers,
  ...issueHandlers,
  ...releaseHandlers,
  ...gitHandlers,
  ...checkHandlers,
  ...actionsHandlers,
};

export const globalHandlers: Record<string, GlobalHandler> = {
  ...userHandlers,
};
