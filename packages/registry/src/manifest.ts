// manifest.json, published with every version: what the version is, where it
// came from, and the sha256 of every asset so downloads can be verified.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LineageSchema } from './lineage.ts';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');

export const AssetRoleSchema = z.enum(['model', 'card', 'metrics', 'data-profile', 'calibration', 'other']);
export type AssetRole = z.infer<typeof AssetRoleSchema>;

export const ManifestAssetSchema = z.object({
  name: z.string().min(1),
  role: AssetRoleSchema,
  sha256: Sha256,
  sizeBytes: z.number().int().nonnegative(),
});
export type ManifestAsset = z.infer<typeof ManifestAssetSchema>;

export const DatasetRefSchema = z.object({
  id: z.string().min(1),
  sha256: Sha256.optional(),
  uri: z.string().optional(),
});
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

// Same shape as @mlship/onnx's ModelSignatureSchema (a test pins that): kept
// here because importing @mlship/onnx would pull ONNX Runtime's native addon
// into the registry action's bundle; the reader is passed in as an adapter.
const TensorSignatureSchema = z.object({
  name: z.string().min(1),
  elementType: z.string(),
  shape: z.array(z.union([z.number().int().nonnegative(), z.string(), z.null()])),
});
export const ModelSignatureSchema = z.object({
  inputs: z.array(TensorSignatureSchema),
  outputs: z.array(TensorSignatureSchema),
});
export type ModelSignature = z.infer<typeof ModelSignatureSchema>;

const JsonScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ManifestSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string(),
  version: z.string(),
  /** sha256 of name, commit and every asset's name and sha256: equal means the same version content. */
  contentDigest: Sha256,
  createdAt: z.string(),
  actor: z.string(),
  assets: z.array(ManifestAssetSchema).min(1),
  /** Inputs and outputs of the first ONNX model asset, read from the file. */
  signature: ModelSignatureSchema.optional(),
  source: z.object({
    /** The commit the version was built from. */
    commit: z.string(),
    repository: z.string().optional(),
    pullRequest: z.number().int().positive().optional(),
    workflowRunUrl: z.string().optional(),
  }),
  datasets: z.array(DatasetRefSchema),
  params: z.record(z.string(), JsonScalar),
  metrics: z.record(z.string(), z.number()),
  parentVersion: z.string().optional(),
  /** How the model was trained: the train step's lineage.json, as it wrote it (one schema for both). */
  lineage: LineageSchema.optional(),
  /**
   * The version's own commit, which its tags point at: a child of
   * `source.commit` with the same tree, so no two versions share a commit
   * (GTO maps a stage tag to a version by its commit). Absent in manifests
   * written before versions had one.
   */
  registrationCommit: z.string().optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const MANIFEST_ASSET = 'manifest.json';

/** The identity of a version's content: a re-run with the same files at the same commit has the same digest. */
export function contentDigest(
  name: string,
  commit: string,
  assets: readonly Pick<ManifestAsset, 'name' | 'sha256'>[],
): string {
  const sorted = [...assets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => [a.name, a.sha256]);
  return createHash('sha256')
    .update(JSON.stringify([name, commit, sorted]))
    .digest('hex');
}

export function serializeManifest(manifest: Manifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}
