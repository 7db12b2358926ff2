import { runAction, readInputs, setOutputs } from '@mlship/actions-kit';
import { createReportDeps, postReport, ReportInputsSchema } from '@mlship/pr-comment';

await runAction(async () => {
  const inputs = readInputs(ReportInputsSchema);
  const deps = await createReportDeps({ token: inputs.token, env: process.env });
  const result = await postReport({ reportPath: inputs.report, target: inputs.target, key: inputs.key }, deps);
  setOutputs({ commentId: result.commentId, commentUrl: result.commentUrl, truncated: result.truncated });
});
