// onnx-proto is CommonJS with `module.exports = $root`: Node exposes it only as
// the default export, so the namespace is taken from there once, here.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';
