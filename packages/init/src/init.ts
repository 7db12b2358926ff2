// `mlship init`: everything a repository needs for its first model pull
// request, in one step. Plans every file first, refuses to overwrite a file
// that differs (with its diff) unless forced, then writes them all.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { inferExpectations, profileData, type Profile } from '@mlship/data';
import { InputError, isUserError } from '@mlship/errors';
import { assertModelName } from '@mlship/registry';
import { findRepository } from './repository.ts';
import { lintWorkflows, type LintFinding, type Linter } from './lint-workflows.ts';
import { fillTemplate } from './template-values.ts';
import {
  actionlintConfig,
  choosePolicy,
  starterPolicy,
  starterStagePolicy,
  type PolicyChoices,
  type Task,
} from './starter-files.ts';

/** The runner labels the templates' GPU jobs ask for (`runs-on: [self-hosted, gpu]`). */
export const SELF_HOSTED_LABELS = ['gpu'] as const;

export interface InitOptions {
  /** Where the command runs; init writes into the git repository containing it. */
  cwd: string;
  /** The workflow templates folder (`NAME.yml` files). */
  templatesDir: string;
  name?: string;
  /** Training data, relative to cwd; expectations and the policy are inferred from it. */
  data?: string;
  holdout?: string;
  label?: string;
  task?: Task;
  defaultBranch?: string;
}

export type FileStatus = 'create' | 'unchanged' | 'differs';

export interface PlannedFile {
  /** Relative to the repository root, with `/`. */
  path: string;
  text: string;
  status: FileStatus;
}

export interface InitPlan {
  root: string;
  model: string;
  defaultBranch: string;
  data?: string;
  holdout?: string;
  choices?: PolicyChoices;
  files: PlannedFile[];
}

export async function planInit(options: InitOptions): Promise<InitPlan> {
  const repo = findRepository(options.cwd);
  const model = assertModelName(options.name ?? modelNameFrom(repo.root), '--name');
  const defaultBranch = options.defaultBranch ?? repo.defaultBranch;
  const data = options.data === undefined ? undefined : inRepository(repo.root, options.cwd, options.data, '--data');
  const holdout =
    options.holdout === undefined ? data : inRepository(repo.root, options.cwd, options.holdout, '--holdout');

  const files: Omit<PlannedFile, 'status'>[] = [];
  let choices: PolicyChoices | undefined;
  if (data !== undefined) {
    const profile = await profileOf(join(repo.root, data), data);
    choices = choosePolicy(profile, data, options.label, options.task);
    files.push({ path: 'mlship/expectations.yml', text: inferExpectations(profile, { source: data }) });
    files.push({ path: 'mlship/policy.yml', text: starterPolicy(profile, choices) });
  } else {
    files.push({ path: 'mlship/expectations.yml', text: EMPTY_EXPECTATIONS });
    files.push({ path: 'mlship/policy.yml', text: EMPTY_POLICY });
  }
  files.push({ path: '.github/mlship-registry.yml', text: starterStagePolicy() });
  files.push({ path: '.github/actionlint.yaml', text: actionlintConfig(SELF_HOSTED_LABELS) });
  const values = {
    model,
    defaultBranch,
    data: data ?? 'data/train/*.parquet',
    holdout: holdout ?? 'data/holdout.parquet',
  };
  for (const template of templateFiles(options.templatesDir))
    files.push({
      path: `.github/workflows/${template}`,
      text: fillTemplate(readFileSync(join(options.templatesDir, template), 'utf8'), values),
    });

  return {
    root: repo.root,
    model,
    defaultBranch,
    ...(data !== undefined ? { data } : {}),
    ...(holdout !== undefined ? { holdout } : {}),
    ...(choices ? { choices } : {}),
    files: files.map((f) => ({ ...f, status: statusOf(join(repo.root, f.path), f.text) })),
  };
}

/**
 * Writes the plan. Without `force`, a file that exists with other content
 * stops everything before anything is written. Each file lands by rename, so
 * none is left half-written.
 */
export async function applyPlan(plan: InitPlan, force: boolean): Promise<PlannedFile[]> {
  const differing = plan.files.filter((f) => f.status === 'differs');
  if (differing.length && !force)
    throw new InputError(
      `${differing.map((f) => f.path).join(', ')} already exist${differing.length === 1 ? 's' : ''} with other content; nothing was written. Review the diff above, then rerun with --force to overwrite`,
    );
  const written = plan.files.filter((f) => f.status !== 'unchanged');
  for (const file of written) {
    const target = join(plan.root, file.path);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.mlship-init-${process.pid}`;
    await writeFile(temporary, file.text);
    await rename(temporary, target);
  }
  return written;
}

/** actionlint over the workflows of the plan, when it is available. */
export async function lintPlan(plan: InitPlan): Promise<{ linter: Linter; findings: LintFinding[] }> {
  const workflows = plan.files.filter((f) => f.path.startsWith('.github/workflows/'));
  return lintWorkflows(
    plan.root,
    workflows.map((f) => ({ path: f.path, text: f.text })),
    SELF_HOSTED_LABELS,
  );
}

export function templateFiles(templatesDir: string): string[] {
  if (!existsSync(templatesDir)) throw new Error(`workflow templates not found at ${templatesDir}`);
  return readdirSync(templatesDir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
}

/** The repository's folder name as a model name, when it is one. */
function modelNameFrom(root: string): string {
  const name = basename(root)
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  if (!name) throw new InputError(`cannot name the model after the folder '${basename(root)}'; pass --name MODEL`);
  return name;
}

/** A path the workflows can name: inside the repository, relative to its root, with `/`. */
function inRepository(root: string, cwd: string, path: string, flag: string): string {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const rel = relative(root, absolute);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new InputError(
      `${flag} ${path} is outside the repository ${root}; the workflows read data from the checkout: copy it in (or see docs/data-location.md for Git LFS, DVC and object storage)`,
    );
  return rel.split(sep).join('/');
}

async function profileOf(absolute: string, data: string): Promise<Profile> {
  if (!/[*?[{]/.test(data)) {
    if (!existsSync(absolute)) throw new InputError(`--data ${data}: no such file; give the training data's path`);
    if (statSync(absolute).isDirectory())
      throw new InputError(`--data ${data} is a folder; give a file or a quoted glob such as '${data}/*.parquet'`);
  }
  let profile: Profile;
  try {
    profile = (await profileData(absolute)).profile;
  } catch (error) {
    if (isUserError(error)) throw error;
    throw new InputError(
      `--data ${data}: cannot read it (${(error as Error).message}); give a .csv, .jsonl, .json or .parquet file`,
      { cause: error },
    );
  }
  if (profile.rowCount === 0)
    throw new InputError(`--data ${data} has no rows; expectations and the policy are inferred from the data`);
  return profile;
}

function statusOf(path: string, text: string): FileStatus {
  if (!existsSync(path)) return 'create';
  return readFileSync(path, 'utf8') === text ? 'unchanged' : 'differs';
}

const EMPTY_EXPECTATIONS = `# Written by 'mlship init' without --data. Infer real expectations from your
# training data with: mlship data infer data/train.csv --output mlship/expectations.yml
schemaVersion: 1
table:
  rowCount: { min: 1 }
`;

const EMPTY_POLICY = `# Written by 'mlship init' without --data: set the task, the label column and
# the features (see docs/validate.md#policy-file), or rerun
# mlship init --data FILE --force to infer them.
schemaVersion: 1
task: classification
gates:
  - { metric: accuracy, max_drop: 0.02 }
`;
