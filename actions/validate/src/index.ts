import { runAction, readInputs, setOutputs } from '@mlship/actions-kit';
import { publishValidation, validate, ValidateActionInputsSchema } from '@mlship/validate';

await runAction(async () => {
  const inputs = readInputs(ValidateActionInputsSchema);
  const outcome = await validate(inputs);
  const published = await publishValidation(outcome, { checkName: inputs.checkName, token: inputs.token, env: process.env });
  setOutputs({
    verdict: outcome.result.verdict,
    reportPath: outcome.paths.report,
    modelCardPath: outcome.paths.modelCard,
    resultPath: outcome.paths.result,
    checkRunUrl: published.checkRunUrl,
  });
  if (outcome.result.verdict === 'fail') process.exitCode = 1;
});
