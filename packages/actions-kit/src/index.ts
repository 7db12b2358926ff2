export { readInputs, inputName } from './inputs.ts';
export { runAction } from './run-action.ts';
export { setOutputs, warning } from './outputs.ts';
export { readRunnerContext, actionGitHubClient, appendSummary } from './runner.ts';
