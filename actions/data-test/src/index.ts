import {
  actionGitHubClient,
  appendSummary,
  readInputs,
  readRunnerContext,
  runAction,
  setOutputs,
} from '@mlship/actions-kit';
import { DataTestActionInputsSchema, runDataTest } from '@mlship/data';
import { actionRegistryLocation, fetchRegistryAsset, isModelReference, openRegistry } from '@mlship/registry';
import { renderSection } from '@mlship/report';

const tokenHint = "set the 'token' input";

await runAction(async () => {
  const inputs = readInputs(DataTestActionInputsSchema);
  const context = await readRunnerContext();
  const client = inputs.token ? actionGitHubClient(context, inputs.token) : undefined;
  let { referenceProfile } = inputs;
  let referenceLabel: string | undefined;
  if (referenceProfile && isModelReference(referenceProfile)) {
    const location = actionRegistryLocation(inputs.registry, context);
    const registry = await openRegistry({ location, cwd: context.workspace, client, tokenHint, actor: '' });
    const fetched = await fetchRegistryAsset(registry, referenceProfile, 'data-profile');
    referenceLabel = `${fetched.tag} (${referenceProfile})`;
    referenceProfile = fetched.path;
  }
  const result = await runDataTest({ ...inputs, referenceProfile, referenceLabel });
  await appendSummary(context, renderSection(result.section));
  setOutputs({
    result: result.outcome,
    reportPath: result.markdownPath,
    resultPath: result.reportPath,
    profilePath: result.profilePath,
  });
  if (result.failed) process.exitCode = 1;
});
