// lineage.json: where a trained model came from, written by the train step
// (`mlship train`, actions/train) and recorded by `registry publish` in the
// version's manifest. Versioned like the manifest so a lineage written today
// is read tomorrow.
import { z } from 'zod';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');
const JsonScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A training data input: a file's digest, a folder's, or the pointer DVC or Git LFS keeps in git instead. */
export const LineageDataSchema = z.object({
  path: z.string().min(1),
  kind: z.enum(['file', 'directory', 'dvc', 'lfs']),
  /** file: its content; directory: its files' paths and digests; lfs: the object id. */
  sha256: Sha256.optional(),
  /** dvc: the md5 DVC records for the output. */
  md5: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  files: z.number().int().nonnegative().optional(),
});
export type LineageData = z.infer<typeof LineageDataSchema>;

export const LineageOutputSchema = z.object({
  path: z.string().min(1),
  role: z.enum(['model', 'metrics', 'params', 'other']),
  sha256: Sha256,
  sizeBytes: z.number().int().nonnegative(),
});

export const LineageSchema = z.object({
  schemaVersion: z.literal(1),
  model: z.string().min(1),
  createdAt: z.string(),
  source: z.object({
    repository: z.string().optional(),
    commit: z.string().optional(),
    ref: z.string().optional(),
    pullRequest: z.number().int().positive().optional(),
    runUrl: z.string().optional(),
    runAttempt: z.number().int().positive().optional(),
  }),
  command: z.string(),
  /** sha256 of the command and its config files: the key of its checkpoints. */
  configDigest: Sha256,
  seed: z.number().int().optional(),
  deterministic: z.boolean(),
  data: z.array(LineageDataSchema),
  environment: z.object({
    runner: z.object({
      name: z.string().optional(),
      /** RUNNER_ENVIRONMENT: github-hosted or self-hosted. */
      environment: z.string().optional(),
      labels: z.array(z.string()).optional(),
      os: z.string(),
      arch: z.string(),
      cpu: z.string(),
      cpuCount: z.number().int().nonnegative(),
      memoryBytes: z.number().nonnegative(),
      diskFreeBytes: z.number().nonnegative().optional(),
    }),
    gpus: z.array(
      z.object({
        index: z.number().int().nonnegative(),
        name: z.string(),
        uuid: z.string(),
        memoryTotalMiB: z.number().nullable(),
      }),
    ),
    gpuDriver: z.string().optional(),
    /** The newest CUDA the driver supports (nvidia-smi's header). */
    cudaVersion: z.string().optional(),
    lockfiles: z.array(z.object({ path: z.string(), sha256: Sha256 })),
    /** The container image the job ran in, as given (with its digest when pinned). */
    containerImage: z.string().optional(),
  }),
  checkpoint: z
    .object({
      restoredFrom: z.string().optional(),
      saves: z.number().int().nonnegative(),
    })
    .optional(),
  outputs: z.array(LineageOutputSchema),
  metrics: z.record(z.string(), z.number()),
  params: z.record(z.string(), JsonScalar),
  telemetry: z
    .object({
      gpuHours: z.number().nonnegative(),
      energyKWh: z.number().nonnegative().nullable(),
      peakGpuMemoryMiB: z.number().nonnegative().nullable(),
    })
    .optional(),
});
export type Lineage = z.infer<typeof LineageSchema>;

export const LINEAGE_FILE = 'lineage.json';
