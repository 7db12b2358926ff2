export { validate, ValidateOptionsSchema } from './validate.ts';
export type { ValidateOptions, ValidateAdapters, ValidateOutcome } from './validate.ts';
export { readHoldout } from './holdout.ts';
export type { Holdout, HoldoutBatch, ReadBatches } from './holdout.ts';
export { mapInputs } from './input-mapping.ts';
export type { InputFeed } from './input-mapping.ts';
export { publishValidation, ValidateActionInputsSchema } from './publish.ts';
export type { PublishOptions } from './publish.ts';
