import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runAction, readInputs, setOutputs } from '@mlship/actions-kit';
import { InputError } from '@mlship/errors';
import { createGitHubClient } from '@mlship/github';
import { openRetrainPullRequest, retrainBranch, RetrainInputsSchema } from '@mlship/monitor';

await runAction(async () => {
  const inputs = readInputs(RetrainInputsSchema);
  const env = process.env;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InputError('GITHUB_REPOSITORY is not set; run this action in a GitHub Actions job');
  const report = await readFile(resolve(env.GITHUB_WORKSPACE ?? process.cwd(), inputs.report), 'utf8').catch(() => {
    throw new InputError(`report '${inputs.report}' does not exist; give the monitor action's report-path`);
  });
  const client = createGitHubClient({
    token: inputs.appToken,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  const base = inputs.base ?? (await client.rest.repos.get({ owner, repo })).data.default_branch;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const result = await openRetrainPullRequest(
    client,
    { owner, repo },
    {
      model: inputs.model,
      head: inputs.branch ?? retrainBranch(inputs.model),
      base,
      report,
      runUrl: env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    },
  );
  setOutputs({ pullRequestNumber: result.number, pullRequestUrl: result.url, action: result.action });
});
