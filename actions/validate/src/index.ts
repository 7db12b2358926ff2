import { actionGitHubClient, readInputs, readRunnerContext, runAction, setOutputs, warning } from '@mlship/actions-kit';
import { actionRegistryLocation, fetchRegistryAsset, openRegistry } from '@mlship/registry';
import { publishValidation, validate, ValidateActionInputsSchema } from '@mlship/validate';

const tokenHint = "set the 'token' input";

await runAction(async () => {
  const inputs = readInputs(ValidateActionInputsSchema);
  const context = await readRunnerContext();
  const client = inputs.token ? actionGitHubClient(context, inputs.token) : undefined;
  const outcome = await validate(inputs, {
    // A baseline named by reference (penguins@prod): the registry's answer to what serves users today.
    resolveModel: async (reference) => {
      const location = actionRegistryLocation(inputs.registry, context);
      const registry = await openRegistry({ location, cwd: context.workspace, client, tokenHint, actor: '' });
      const { path, tag } = await fetchRegistryAsset(registry, reference, 'model');
      return { path, version: tag };
    },
  });
  const published = await publishValidation(outcome, { checkName: inputs.checkName, client, context });
  if (published.warning) warning(published.warning);
  setOutputs({
    verdict: outcome.result.verdict,
    reportPath: outcome.paths.report,
    modelCardPath: outcome.paths.modelCard,
    resultPath: outcome.paths.result,
    checkRunUrl: published.checkRunUrl,
  });
  if (outcome.result.verdict === 'fail') process.exitCode = 1;
});
