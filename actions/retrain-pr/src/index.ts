import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { actionGitHubClient, readInputs, readRunnerContext, runAction, setOutputs } from '@mlship/actions-kit';
import { InputError } from '@mlship/errors';
import { openRetrainPullRequest, retrainBranch, RetrainInputsSchema } from '@mlship/monitor/retrain';
import { requireRepo } from '@mlship/runner-context';

await runAction(async () => {
  const inputs = readInputs(RetrainInputsSchema);
  const context = await readRunnerContext();
  const repo = requireRepo(context, 'the retraining pull request');
  const report = await readFile(resolve(context.workspace, inputs.report), 'utf8').catch(() => {
    throw new InputError(`report '${inputs.report}' does not exist; give the monitor action's report-path`);
  });
  const client = actionGitHubClient(context, inputs.appToken);
  const base = inputs.base ?? (await client.rest.repos.get({ ...repo })).data.default_branch;
  const result = await openRetrainPullRequest(client, repo, {
    model: inputs.model,
    head: inputs.branch ?? retrainBranch(inputs.model),
    base,
    report,
    runUrl: context.run?.url,
  });
  setOutputs({ pullRequestNumber: result.number, pullRequestUrl: result.url, action: result.action });
});
