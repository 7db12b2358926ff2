import { appendFileSync } from 'node:fs';
import { runAction, readInputs, setOutputs } from '@mlship/actions-kit';
// The signature reader alone: the package index would bundle ONNX Runtime's native addon.
import { readOnnxSignature } from '@mlship/onnx/signature';
import {
  commandContextFromEnv,
  commandSummary,
  openRegistry,
  RegistryActionInputsSchema,
  runRegistryCommand,
} from '@mlship/registry';

await runAction(async () => {
  const inputs = readInputs(RegistryActionInputsSchema);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const registry = await openRegistry({
    location: `github:${inputs.repository ?? process.env.GITHUB_REPOSITORY}`,
    cwd,
    env: process.env,
    token: inputs.token,
    actor: process.env.GITHUB_ACTOR ?? 'github-actions',
    policy: inputs.policy,
    readSignature: readOnnxSignature,
  });
  const result = await runRegistryCommand(inputs, registry, commandContextFromEnv(process.env, cwd));
  console.log(result.text);
  if (process.env.GITHUB_STEP_SUMMARY)
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, commandSummary(inputs.command, result));
  setOutputs(result.outputs);
});
