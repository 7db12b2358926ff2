import { appendFile } from 'node:fs/promises';
import { runAction, readInputs, setOutputs } from '@mlship/actions-kit';
import { createGitHubClient } from '@mlship/github';
import { InputError } from '@mlship/errors';
import { MonitorInputsSchema, runMonitor } from '@mlship/monitor';
import { openRegistry } from '@mlship/registry';

await runAction(async () => {
  const inputs = readInputs(MonitorInputsSchema);
  const env = process.env;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) throw new InputError('GITHUB_REPOSITORY is not set; run this action in a GitHub Actions job');
  const cwd = env.GITHUB_WORKSPACE ?? process.cwd();
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const client = inputs.token
    ? createGitHubClient({ token: inputs.token, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) })
    : undefined;
  const result = await runMonitor(inputs, {
    cwd,
    now: new Date(),
    registry: () =>
      openRegistry({
        location: inputs.registry ?? `github:${env.GITHUB_REPOSITORY}`,
        cwd,
        env,
        token: inputs.token,
        actor: env.GITHUB_ACTOR ?? 'github-actions',
      }),
    ...(client && {
      github: {
        client,
        repo: { owner, repo },
        runUrl: env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
      },
    }),
  });
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, result.markdown);
  const { verdict } = result.outcome;
  setOutputs({
    status: verdict.status,
    retrain: verdict.triggers.length > 0,
    triggers: verdict.triggers.length,
    issueNumber: result.tracking?.issueNumber ?? undefined,
    issueUrl: result.tracking?.issueUrl ?? undefined,
    reportPath: result.reportPath ?? undefined,
    resultPath: result.resultPath ?? undefined,
  });
  if (result.failed) throw new InputError(result.failed);
});
