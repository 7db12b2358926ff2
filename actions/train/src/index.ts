import * as core from '@actions/core';
import { actionGitHubClient, readInputs, readRunnerContext, runAction, setOutputs } from '@mlship/actions-kit';
import { UserError } from '@mlship/errors';
import {
  CacheCheckpointStore,
  checkForkGuard,
  guardFactsFromRunner,
  guardLookups,
  runTraining,
  saveCheckpointInPost,
  toolRunner,
  trainContextFromRunner,
  TrainInputsSchema,
  uploadTrainingArtifact,
  type CheckpointState,
} from '@mlship/train';

await runAction(async () => {
  const context = await readRunnerContext();
  // The runner runs this file again as the post step, with the main step's saved state.
  if (core.getState('main-started') === 'true') return post(context.workspace);
  core.saveState('main-started', 'true');
  const inputs = readInputs(TrainInputsSchema);
  await checkForkGuard(
    guardFactsFromRunner(context, inputs.forkApprovalEnvironment),
    guardLookups({
      client: actionGitHubClient(context, inputs.token ?? ''),
      owner: context.repo?.owner ?? '',
      repo: context.repo?.repo ?? '',
      runId: context.run?.id ?? '',
      workspace: context.workspace,
    }),
  );
  // The runner sends SIGINT when the job is cancelled, then SIGTERM.
  const cancelled = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => cancelled.abort());
  const result = await runTraining(inputs, trainContextFromRunner(context, process.env), {
    runTool: toolRunner(process.env),
    store: inputs.checkpointDir ? new CacheCheckpointStore() : undefined,
    log: 'actions',
    write: (text) => void process.stdout.write(text),
    warn: (message) => core.warning(message),
    mask: (value) => core.setSecret(value),
    writeSummary: async (markdown) =>
      void (await core.summary.emptyBuffer().addRaw(markdown).write({ overwrite: true })),
    saveState: (state) => core.saveState('checkpoint', JSON.stringify(state)),
    upload: uploadTrainingArtifact,
    signal: cancelled.signal,
  });
  setOutputs({
    outcome: result.outcome,
    reportPath: result.paths.report,
    metricsPath: result.paths.metrics,
    lineagePath: result.paths.lineage,
    modelPath: result.paths.model,
    artifactName: result.artifact?.name,
    artifactId: result.artifact?.id,
    reproducible: result.reproducibility ? result.reproducibility.verdict === 'identical' : undefined,
  });
  if (result.failure) throw new UserError(result.failure);
});

async function post(workspace: string): Promise<void> {
  const saved = core.getState('checkpoint');
  const state = saved ? (JSON.parse(saved) as CheckpointState) : undefined;
  const { save, reason } = await saveCheckpointInPost(state, new CacheCheckpointStore(), workspace);
  if (!save) return core.info(`mlship train: no checkpoint to save in the post step (${reason})`);
  if (!save.stored) {
    const line = `checkpoints: the post step could not save ${save.key}: ${save.message}`;
    // The main step warned already that the store failed: one warning per job.
    return state?.storeFailed ? core.info(`mlship train: ${line}`) : core.warning(line);
  }
  core.info(`mlship train: checkpoint saved (post) as ${save.key}: ${save.files} files, ${save.sizeBytes} bytes`);
}
