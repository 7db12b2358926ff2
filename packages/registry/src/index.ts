export {
  parseGtoTag,
  formatGtoTag,
  versionTag,
  normalizeVersion,
  isModelName,
  isStageName,
  isStrictVersion,
  assertModelName,
  assertStageName,
} from './tag-grammar.ts';
export type { GtoTag, TagAction } from './tag-grammar.ts';
export {
  parseModelReference,
  safeParseModelReference,
  ModelReferenceSchema,
  formatModelReference,
} from './model-reference.ts';
export type { ModelReference, ModelReferenceParse } from './model-reference.ts';
export { bumpVersion, compareVersions, highestVersion } from './version-bump.ts';
export type { BumpKind } from './version-bump.ts';
export {
  applyChange,
  foldChanges,
  currentVersion,
  latestVersion,
  stageMap,
  EMPTY_STATE,
  RegistryStateSchema,
} from './registry-state.ts';
export type { RegistryState, StateChange } from './registry-state.ts';
export { RegistryEventSchema, formatEventMessage, parseEventMessage } from './registry-event.ts';
export type { RegistryEvent } from './registry-event.ts';
export {
  ManifestSchema,
  ModelSignatureSchema,
  AssetRoleSchema,
  DatasetRefSchema,
  MANIFEST_ASSET,
  contentDigest,
} from './manifest.ts';
export type { Manifest, ManifestAsset, AssetRole, DatasetRef, ModelSignature } from './manifest.ts';
export { LineageSchema, LineageDataSchema, LineageOutputSchema, LINEAGE_FILE } from './lineage.ts';
export type { Lineage, LineageData } from './lineage.ts';
export { lineageCardSection, cardWithLineage, LINEAGE_CARD_HEADING } from './lineage-card.ts';
export { digestFile } from './file-digest.ts';
export { StagePolicySchema, DEFAULT_POLICY, parseStagePolicy, checkPromotion } from './stage-policy.ts';
export type { StagePolicy } from './stage-policy.ts';
export {
  RegistryConflictError,
  RegistryRuleError,
  IntegrityError,
  NotFoundError,
  NoVersionYetError,
} from './registry-errors.ts';
export { RegistryService } from './registry-service.ts';
export type {
  RegistryContext,
  PublishRequest,
  PublishFile,
  PublishResult,
  ResolvedVersion,
  StageChangeResult,
  HistoryEntry,
  ModelListing,
} from './registry-service.ts';
export type { RegistryStore } from './registry-store.ts';
export { LocalStore } from './local-store.ts';
export { GitHubStore } from './github-store.ts';
export type { GitHubStoreOptions } from './github-store.ts';
export type { LocalStoreOptions } from './local-store.ts';
export {
  RegistryInputsSchema,
  RegistryActionInputsSchema,
  runRegistryCommand,
  commandSummary,
  loadStagePolicy,
  DEFAULT_POLICY_FILE,
} from './registry-command.ts';
export type { RegistryInputs, CommandContext, CommandResult } from './registry-command.ts';
export {
  openRegistry,
  actionRegistryLocation,
  commandContext,
  fetchRegistryAsset,
  isModelReference,
} from './registry-entry.ts';
export { parseRegistryLocation, formatRegistryLocation, DEFAULT_LOCAL_REGISTRY } from './registry-location.ts';
export type { RegistryLocation } from './registry-location.ts';
export type { OpenRegistryOptions } from './registry-entry.ts';
