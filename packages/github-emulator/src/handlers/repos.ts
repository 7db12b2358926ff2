// Repository and user endpoints.
import { GitHubHttpError, type GlobalHandler, type RepoHandler } from '../handler.ts';
import { fullRepoJson, userJson } from '../representations.ts';

export const repoHandlers: Record<string, RepoHandler> = {
  'repos/get': (ctx) => ({ status: 200, body: fullRepoJson(ctx.core, ctx.repo) }),
};

export const globalHandlers: Record<string, GlobalHandler> = {
  'users/get-authenticated': (ctx) => {
    // Installation tokens (GITHUB_TOKEN) have no user behind them.
    if (ctx.token.user.type === 'Bot') {
      throw new GitHubHttpError(403, {
        message: 'Resource not accessible by integration',
        documentation_url: ctx.operation.docsUrl,
        status: '403',
      });
    }
    const user = userJson(ctx.core, ctx.token.user);
    return {
      status: 200,
      body: {
        ...user,
        name: null,
        company: null,
        blog: '',
        location: null,
        email: null,
        hireable: null,
        bio: null,
        public_repos: 0,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: '2020-01-01T00:00:00Z',
        updated_at: '2020-01-01T00:00:00Z',
      },
    };
  },
};
