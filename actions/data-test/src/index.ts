import { appendFile } from 'node:fs/promises';
import { runAction, readInputs, setOutputs } from '@mlship/actions-kit';
import { DataTestActionInputsSchema, runDataTest } from '@mlship/data';

await runAction(async () => {
  const inputs = readInputs(DataTestActionInputsSchema);
  const result = await runDataTest(inputs);
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(summaryFile, `### ${result.section.title}\n\n${result.section.markdown}\n`);
  setOutputs({ result: result.outcome, reportPath: result.markdownPath, resultPath: result.reportPath, profilePath: result.profilePath });
  if (result.failed) process.exitCode = 1;
});
