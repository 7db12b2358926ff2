import { runAction, readInputs, setOutputs, warning } from '@mlship/actions-kit';
import { publishValidation, registryBaseline, validate, ValidateActionInputsSchema } from '@mlship/validate';

await runAction(async () => {
  const inputs = readInputs(ValidateActionInputsSchema);
  const env = process.env;
  const resolveModel = registryBaseline({
    location: inputs.registry ?? `github:${env.GITHUB_REPOSITORY}`,
    cwd: env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
    token: inputs.token,
    actor: env.GITHUB_ACTOR ?? 'github-actions',
  });
  const outcome = await validate(inputs, { resolveModel });
  const published = await publishValidation(outcome, { checkName: inputs.checkName, token: inputs.token, env });
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
