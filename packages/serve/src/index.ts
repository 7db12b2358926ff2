// The reference serving runtime: the Open Inference Protocol on ONNX Runtime,
// with weighted sticky routing, shadow scoring, labels by request id, the
// evidence the rollout controller reads, prediction logs, hourly profiles and
// Prometheus metrics.
export { startServe, DEFAULT_PORT } from './start-serve.ts';
export type { StartServeOptions, RunningServer } from './start-serve.ts';
export { routeArm, routePoint } from './routing.ts';
export { ROUTING_KEY_HEADER } from './inference.ts';
export { FeedbackSchema } from './feedback.ts';
export { InferRequestSchema, ProtocolError, OIP_DATATYPES } from './oip/protocol.ts';
export type { InferRequest, InferResponse, ModelMetadata, OipDatatype } from './oip/protocol.ts';
export { LATENCY_BOUNDS_MS } from './evidence/latency-histogram.ts';
export { PREDICTION_LOG_FILE } from './log/prediction-log.ts';
export { SERVING_SESSION_OPTIONS } from './model/served-model.ts';
export { DEFAULT_BATCHING } from './model/dynamic-batcher.ts';
export type { BatchingOptions } from './model/dynamic-batcher.ts';
