// The retraining pull request on its own: the retrain-pr action needs no data
// engine, so it imports this rather than the package's index (which would
// bundle the engine's native bindings into it).
export { openRetrainPullRequest, retrainMarker, retrainBranch } from './retrain-pull-request.ts';
export type { RetrainPullRequestOptions, RetrainPullRequestResult } from './retrain-pull-request.ts';
export { RetrainInputsSchema } from './retrain-inputs.ts';
export type { RetrainInputs } from './retrain-inputs.ts';
