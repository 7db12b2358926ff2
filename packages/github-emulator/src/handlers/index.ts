import type { GlobalHandler, RepoHandler } from '../handler.ts';
import { issueHandlers } from './issues.ts';
import { globalHandlers as userHandlers, repoHandlers as repositoryHandlers } from './repos.ts';

/** Operations that act on one repository ({owner}/{repo} in the path). */
export const repoHandlers: Record<string, RepoHandler> = {
  ...repositoryHandlers,
  ...issueHandlers,
};

export const globalHandlers: Record<string, GlobalHandler> = {
  ...userHandlers,
};
