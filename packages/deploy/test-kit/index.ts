// Rollouts in miniature for tests: a serving runtime behind the reference
// server's API, a churn model with canaries good, bad and broken, and a
// repository in the GitHub emulator wired to the controller.
export { SimulatedRuntime, startEvidenceServer, LATENCY_BOUNDS_MS } from './simulated-runtime.ts';
export { profileRecords } from './profile-records.ts';
export type { SimulatedModel, LabelledRow, Row, EvidenceServer } from './simulated-runtime.ts';
export { MODEL, CHURN_POLICY, churnRequests, churnModel, publishChurnVersion } from './churn-fixture.ts';
export { rolloutWorld } from './rollout-world.ts';
export type { RolloutWorld, RolloutWorldOptions } from './rollout-world.ts';
