import {
  actionGitHubClient,
  appendSummary,
  readInputs,
  readRunnerContext,
  runAction,
  setOutputs,
} from '@mlship/actions-kit';
// The signature reader alone: the package index would bundle ONNX Runtime's native addon.
import { readOnnxSignature } from '@mlship/onnx/signature';
import {
  actionRegistryLocation,
  commandContext,
  commandSummary,
  openRegistry,
  RegistryActionInputsSchema,
  runRegistryCommand,
} from '@mlship/registry';

await runAction(async () => {
  const inputs = readInputs(RegistryActionInputsSchema);
  const context = await readRunnerContext();
  const registry = await openRegistry({
    location: actionRegistryLocation(inputs.repository && `github:${inputs.repository}`, context, "input 'repository'"),
    cwd: context.workspace,
    client: inputs.token ? actionGitHubClient(context, inputs.token) : undefined,
    tokenHint: "set the 'token' input",
    actor: context.actor ?? 'github-actions',
    policy: inputs.policy,
    readSignature: readOnnxSignature,
  });
  const result = await runRegistryCommand(inputs, registry, commandContext(context));
  console.log(result.text);
  await appendSummary(context, commandSummary(inputs.command, result));
  setOutputs(result.outputs);
});
