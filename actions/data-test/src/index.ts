import { notice } from '@actions/core';
import {
  actionGitHubClient,
  appendSummary,
  readInputs,
  readRunnerContext,
  runAction,
  setOutputs,
} from '@mlship/actions-kit';
import { DataTestActionInputsSchema, runDataTest } from '@mlship/data';
import { InputError } from '@mlship/errors';
import { dataTestState, syncTrackingIssue } from '@mlship/monitor/tracking';
import { actionRegistryLocation, fetchReferenceProfile, isModelReference, openRegistry } from '@mlship/registry';
import { renderSection } from '@mlship/report';
import { requireRepo } from '@mlship/runner-context';

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
    const fetched = await fetchReferenceProfile(registry, referenceProfile);
    if ('firstVersion' in fetched) {
      notice(fetched.firstVersion);
      referenceProfile = undefined;
    } else ({ path: referenceProfile, label: referenceLabel } = fetched);
  }
  const result = await runDataTest({ ...inputs, referenceProfile, referenceLabel });
  const section = renderSection(result.section);
  await appendSummary(context, section);
  let tracking;
  if (inputs.trackingIssue) {
    const repo = requireRepo(context, "input 'tracking-issue'");
    if (!client) throw new InputError("input 'tracking-issue' needs the 'token' input, with issues: write");
    tracking = await syncTrackingIssue(client, repo, {
      model: inputs.trackingIssue,
      condition: 'drift',
      state: dataTestState(inputs.trackingIssue, result),
      markdown: section,
      runUrl: context.run?.url,
    });
  }
  setOutputs({
    result: result.outcome,
    reportPath: result.markdownPath,
    resultPath: result.reportPath,
    profilePath: result.profilePath,
    issueNumber: tracking?.issueNumber ?? undefined,
    issueUrl: tracking?.issueUrl ?? undefined,
  });
  if (result.failed) process.exitCode = 1;
});
