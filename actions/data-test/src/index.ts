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
import type { GitHubClient } from '@mlship/github';
import { dataTestState, syncTrackingIssue } from '@mlship/monitor/tracking';
import { actionRegistryLocation, fetchReferenceProfile, isModelReference, openRegistry } from '@mlship/registry';
import { renderSection } from '@mlship/report';
import { requireRepo, type RunnerContext } from '@mlship/runner-context';

const tokenHint = "set the 'token' input";

/** Where the tracking issue goes, checked before the data is read so a bad setting leaves nothing behind. */
function trackingTarget(model: string | undefined, context: RunnerContext, client: GitHubClient | undefined) {
  if (!model) throw new InputError("input 'tracking-issue' needs input 'model', the model's name the issue is for");
  const repo = requireRepo(context, "input 'tracking-issue'");
  if (!client) throw new InputError("input 'tracking-issue' needs the 'token' input, with issues: write");
  return { model, repo, client };
}

await runAction(async () => {
  const inputs = readInputs(DataTestActionInputsSchema);
  const context = await readRunnerContext();
  const client = inputs.token ? actionGitHubClient(context, inputs.token) : undefined;
  const track = inputs.trackingIssue ? trackingTarget(inputs.model, context, client) : undefined;
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
  const tracking = track
    ? await syncTrackingIssue(track.client, track.repo, {
        model: track.model,
        condition: 'drift',
        state: dataTestState(track.model, result),
        markdown: section,
        runUrl: context.run?.url,
      })
    : undefined;
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
