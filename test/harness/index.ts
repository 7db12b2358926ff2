export { runBundledAction, runActionDir, inputEnvName } from './run-action.ts';
export type { RunActionOptions, ActionRunResult } from './run-action.ts';
export { webhookEvent } from './webhook-event.ts';
export type { WebhookEvent, WebhookEventOptions } from './webhook-event.ts';
export { parseAnnotations, parseKeyValueFile } from './file-commands.ts';
export type { Annotation, AnnotationLevel } from './file-commands.ts';
export { ModelRepos, BOT_LOGIN } from './model-repos.ts';
export type { ModelRepo, ModelRepoOptions } from './model-repos.ts';
