import {
  actionGitHubClient,
  appendSummary,
  readInputs,
  readRunnerContext,
  runAction,
  setOutputs,
  warning,
} from '@mlship/actions-kit';
import { InputError } from '@mlship/errors';
import { MonitorInputsSchema, runMonitor } from '@mlship/monitor';
import { actionRegistryLocation, openRegistry } from '@mlship/registry';
import { requireRepo } from '@mlship/runner-context';

await runAction(async () => {
  const inputs = readInputs(MonitorInputsSchema);
  const context = await readRunnerContext();
  const repo = requireRepo(context, 'the monitor action');
  const client = inputs.token ? actionGitHubClient(context, inputs.token) : undefined;
  const result = await runMonitor(inputs, {
    cwd: context.workspace,
    now: new Date(),
    registry: () =>
      openRegistry({
        location: actionRegistryLocation(inputs.registry, context),
        cwd: context.workspace,
        client,
        tokenHint: "set the 'token' input",
        actor: context.actor ?? '',
      }),
    ...(client && { github: { client, repo, runUrl: context.run?.url } }),
    warn: warning,
  });
  await appendSummary(context, result.markdown);
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
