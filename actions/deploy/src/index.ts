import {
  actionGitHubClient,
  appendSummary,
  readInputs,
  readRunnerContext,
  runAction,
  setOutputs,
  warning,
} from '@mlship/actions-kit';
import { DeployActionInputsSchema, runDeploy } from '@mlship/deploy';
import { actionRegistryLocation, openRegistry } from '@mlship/registry';

await runAction(async () => {
  const { token, ...inputs } = readInputs(DeployActionInputsSchema);
  const context = await readRunnerContext();
  const client = actionGitHubClient(context, token);
  const registry = await openRegistry({
    // The stages live beside the rollout's state unless another registry is named.
    location: inputs.registry
      ? actionRegistryLocation(inputs.registry, context)
      : actionRegistryLocation(inputs.repository && `github:${inputs.repository}`, context, "input 'repository'"),
    cwd: context.workspace,
    client,
    tokenHint: "set the 'token' input",
    actor: context.actor ?? 'github-actions',
  });
  const result = await runDeploy(inputs, { context, client, registry, env: process.env, warn: warning });
  console.log(result.text);
  await appendSummary(context, result.report);
  if (result.action === 'rolled-back' || result.action === 'inconclusive') warning(result.text);
  setOutputs({
    action: result.action,
    outcome: result.judgement?.outcome,
    model: result.model,
    version: result.event?.version,
    prodVersion: result.event?.prodVersion,
    deploymentId: result.deploymentId,
    phase: result.event?.phase,
    step: result.event ? result.event.step + 1 : undefined,
    weight: result.event?.weight,
    commentUrl: result.commentUrl,
  });
});
