export {
  readOnnxSignature,
  readOnnxMetadata,
  readOnnxClassLabels,
  ModelSignatureSchema,
  TensorSignatureSchema,
  ElementTypeSchema,
} from './signature.ts';
export type { ModelSignature, TensorSignature, ElementType } from './signature.ts';
export { buildLinearClassifierOnnx, buildLinearRegressorOnnx, FEATURE_NAMES_METADATA_KEY } from './build-model.ts';
export type { LinearClassifierSpec, LinearRegressorSpec, LinearModelInputs } from './build-model.ts';
export { trainSoftmaxRegression, trainLinearRegression } from './train.ts';
export type { LinearFit, SoftmaxTrainingOptions, LinearRegressionOptions } from './train.ts';
export { loadModel } from './session.ts';
export type { LoadedModel, FeedTensor, FeedData, OutputTensor } from './session.ts';
