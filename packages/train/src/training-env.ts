// The environment the training command gets: the step's own, minus what it
// must not see unless the workflow asks for it by name (pass-env): the job's
// tokens (the token input, GITHUB_TOKEN, the runner's ACTIONS_* credentials
// for the results service and OIDC), every other input, the workflow file
// commands (so the command cannot set the step's outputs or the job's
// environment behind mlship's back), and anything named like a secret.
// Plus what mlship gives it: where to write metrics and checkpoints, seeds,
// determinism switches, and the GPUs it was given.

const WITHHELD_NAMES = new Set([
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_OUTPUT',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
]);
const WITHHELD_PREFIXES = ['INPUT_', 'ACTIONS_', 'STATE_'];
const SECRET_LIKE = /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|CREDENTIAL|API_KEY|ACCESS_KEY/i;

export function isWithheld(name: string): boolean {
  return (
    WITHHELD_NAMES.has(name) || WITHHELD_PREFIXES.some((prefix) => name.startsWith(prefix)) || SECRET_LIKE.test(name)
  );
}

export interface TrainingEnvOptions {
  /** The step's environment. */
  base: Record<string, string | undefined>;
  /** Variables to pass even though they are withheld by default (e.g. AWS_SECRET_ACCESS_KEY). */
  passEnv: readonly string[];
  seed: number | undefined;
  deterministic: boolean;
  /** MLSHIP_* locations and the GPU pinning from the preflight. */
  given: Record<string, string>;
}

export interface TrainingEnv {
  env: Record<string, string>;
  /** Names kept from the command, for the log. */
  withheld: string[];
  /** Values of withheld variables named like secrets: mask them in the log in case the command prints one. */
  secretValues: string[];
}

/** Seed variables the common frameworks read: Python's hash seed, Lightning's seed_everything. */
export function seedEnv(seed: number): Record<string, string> {
  const text = String(seed);
  return { MLSHIP_SEED: text, PYTHONHASHSEED: text, PL_GLOBAL_SEED: text, PL_SEED_WORKERS: '1' };
}

/**
 * Switches deterministic kernels on where a variable can: cuBLAS needs a fixed
 * workspace (CUBLAS_WORKSPACE_CONFIG) before PyTorch's
 * use_deterministic_algorithms works on CUDA; TensorFlow reads its own.
 */
export const DETERMINISM_ENV: Readonly<Record<string, string>> = {
  MLSHIP_DETERMINISTIC: '1',
  CUBLAS_WORKSPACE_CONFIG: ':4096:8',
  TF_DETERMINISTIC_OPS: '1',
  TF_CUDNN_DETERMINISTIC: '1',
};

export function trainingEnv(options: TrainingEnvOptions): TrainingEnv {
  const passed = new Set(options.passEnv);
  const env: Record<string, string> = {};
  const withheld: string[] = [];
  const secretValues: string[] = [];
  for (const [name, value] of Object.entries(options.base)) {
    if (value === undefined) continue;
    if (isWithheld(name) && !passed.has(name)) {
      withheld.push(name);
      if (SECRET_LIKE.test(name) && value.length >= 4) secretValues.push(value);
      continue;
    }
    env[name] = value;
  }
  Object.assign(env, options.given);
  if (options.seed !== undefined) Object.assign(env, seedEnv(options.seed));
  if (options.deterministic) Object.assign(env, DETERMINISM_ENV);
  return { env, withheld: withheld.sort(), secretValues };
}
