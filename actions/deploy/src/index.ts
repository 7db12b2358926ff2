import { appendFileSync } from 'node:fs';
import { runAction, readInputs, setOutputs, warning } from '@mlship/actions-kit';
import { DeployInputsSchema, runDeploy } from '@mlship/deploy';

await runAction(async () => {
  const inputs = readInputs(DeployInputsSchema);
  const result = await runDeploy(inputs, process.env, process.env.GITHUB_WORKSPACE ?? process.cwd());
  console.log(result.text);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, result.report);
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
