// The lifecycle demo's inputs, made in milliseconds from real data: the
// penguins, the data a pull request brings, and models trained here and
// exported to ONNX. `mlship demo` and the tests that need a realistic model
// use them; no domain package depends on this one.
export { writeDemoData } from './demo-data.ts';
export type { DemoDataFiles } from './demo-data.ts';
export { writeDemoModels, demoTrainingSet, DEMO_FEATURES, DEMO_CLASSES } from './demo-models.ts';
export { DEMO_TRAINER } from './demo-trainer-path.ts';
export type { DemoFiles } from './demo-models.ts';
export { trainSoftmaxRegression, trainLinearRegression } from './train.ts';
export type { LinearFit, SoftmaxTrainingOptions, LinearRegressionOptions } from './train.ts';
export { penguinsPath } from './penguins.ts';
