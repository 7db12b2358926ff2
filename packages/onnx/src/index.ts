export {
  readOnnxSignature,
  readOnnxMetadata,
  readOnnxClassLabels,
  FEATURE_NAMES_METADATA_KEY,
  ModelSignatureSchema,
  TensorSignatureSchema,
  ElementTypeSchema,
} from './signature.ts';
export type { ModelSignature, TensorSignature, ElementType } from './signature.ts';
export { loadModel } from './session.ts';
export type { LoadedModel, FeedTensor, FeedData, OutputTensor, SessionOptions } from './session.ts';
