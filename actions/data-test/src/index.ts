import { appendFile } from 'node:fs/promises';
import { runAction, readInputs, setOutputs } from '@mlship/actions-kit';
import { DataTestActionInputsSchema, runDataTest } from '@mlship/data';
import { fetchRegistryAsset, isModelReference } from '@mlship/registry';
import { renderSection } from '@mlship/report';

await runAction(async () => {
  const inputs = readInputs(DataTestActionInputsSchema);
  const env = process.env;
  let { referenceProfile } = inputs;
  let referenceLabel: string | undefined;
  if (referenceProfile && isModelReference(referenceProfile)) {
    const fetched = await fetchRegistryAsset(
      {
        location: inputs.registry ?? `github:${env.GITHUB_REPOSITORY}`,
        cwd: env.GITHUB_WORKSPACE ?? process.cwd(),
        env,
        token: inputs.token,
        actor: env.GITHUB_ACTOR ?? 'github-actions',
      },
      referenceProfile,
      'data-profile',
    );
    referenceLabel = `${fetched.tag} (${referenceProfile})`;
    referenceProfile = fetched.path;
  }
  const result = await runDataTest({ ...inputs, referenceProfile, referenceLabel });
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(summaryFile, renderSection(result.section));
  setOutputs({
    result: result.outcome,
    reportPath: result.markdownPath,
    resultPath: result.reportPath,
    profilePath: result.profilePath,
  });
  if (result.failed) process.exitCode = 1;
});
