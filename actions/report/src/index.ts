import { actionGitHubClient, readInputs, readRunnerContext, runAction, setOutputs, warning } from '@mlship/actions-kit';
import { createReportDeps, postReport, ReportInputsSchema } from '@mlship/pr-comment';

await runAction(async () => {
  const inputs = readInputs(ReportInputsSchema);
  const context = await readRunnerContext();
  const client = actionGitHubClient(context, inputs.token);
  const deps = createReportDeps({ client, context, warn: warning });
  const result = await postReport({ reportPath: inputs.report, target: inputs.target, key: inputs.key }, deps);
  setOutputs({ commentId: result.commentId, commentUrl: result.commentUrl, truncated: result.truncated });
});
