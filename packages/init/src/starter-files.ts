// The settings a repository starts with, written as reviewable YAML with the
// reason for each default beside it. Pure: they are made from the data's
// profile and the user's answers.
import { InputError } from '@mlship/errors';
import type { ColumnProfile, Profile } from '@mlship/data';
import { yamlScalar } from './template-values.ts';

export type Task = 'classification' | 'regression';

export interface PolicyChoices {
  label: string;
  task: Task;
  /** Numeric columns other than the label, in file order: the model's float [N, F] input. */
  features: string[];
}

/** Column names that usually hold what a model predicts, when no --label is given. */
const LABEL_NAMES = ['label', 'target', 'y', 'class', 'outcome'];

/** A numeric label with at most this many distinct integer values is a class code. */
const MAX_CLASS_CODES = 20;

/** Label, task and features from the profile; the user's --label and --task win. */
export function choosePolicy(profile: Profile, source: string, label?: string, task?: Task): PolicyChoices {
  const names = profile.columns.map((c) => c.name);
  const chosen = label ?? names.find((n) => LABEL_NAMES.includes(n.toLowerCase()));
  if (!chosen)
    throw new InputError(
      `${source}: no column is named like a label (${LABEL_NAMES.join(', ')}); pass --label COLUMN, one of: ${names.join(', ')}`,
    );
  const column = profile.columns.find((c) => c.name === chosen);
  if (!column)
    throw new InputError(`--label '${chosen}' is not a column of ${source}; use one of: ${names.join(', ')}`);
  const features = profile.columns
    .filter((c) => c.name !== chosen && c.kind === 'numeric' && !c.timestamp)
    .map((c) => c.name);
  if (!features.length)
    throw new InputError(
      `${source}: no numeric column besides '${chosen}' to feed a model; add numeric features, or write mlship/policy.yml's inputs: by hand`,
    );
  return { label: chosen, task: task ?? taskOf(column), features };
}

function taskOf(column: ColumnProfile): Task {
  if (column.kind === 'categorical') return 'classification';
  return column.allIntegers && column.distinctEstimate <= MAX_CLASS_CODES ? 'classification' : 'regression';
}

/**
 * The validation policy. Two gates per task: an absolute floor a first
 * version is judged on when nothing is in production yet (beat the trivial
 * model: always the most frequent class, or always the mean), and a
 * non-inferiority margin against production for every version after it.
 */
export function starterPolicy(profile: Profile, choices: PolicyChoices): string {
  const column = profile.columns.find((c) => c.name === choices.label)!;
  const lines = [
    "# Written by 'mlship init' from the data's profile; see docs/validate.md#policy-file.",
    'schemaVersion: 1',
    `task: ${choices.task}`,
    `label: ${yamlScalar(choices.label)}`,
    '# The columns that feed a model whose one input is a float [N, F] tensor, in order.',
    '# A model with named inputs maps them with inputs: instead (docs/onnx.md).',
    `features: [${choices.features.map((f) => JSON.stringify(f)).join(', ')}]`,
    'gates:',
    ...(choices.task === 'classification' ? classificationGates(column) : regressionGates(column)),
  ];
  return `${lines.join('\n')}\n`;
}

function classificationGates(column: ColumnProfile): string[] {
  const top = majorityShare(column);
  const floor = top ? Math.min(0.99, Math.ceil(top.share * 100) / 100) : 0.5;
  return [
    top
      ? `  # The floor a first version must clear: always answering '${top.value}' scores ${top.share.toFixed(3)}.`
      : '  # The floor a first version must clear.',
    `  - accuracy >= ${floor}`,
    '  # Every later version: not more than 2 points of accuracy below production.',
    '  - { metric: accuracy, max_drop: 0.02 }',
  ];
}

function regressionGates(column: ColumnProfile): string[] {
  const stdev = column.kind === 'numeric' ? column.stdev : null;
  const margin = stdev ? Number((stdev * 0.05).toPrecision(2)) : undefined;
  return [
    '  # The floor a first version must clear: R² 0 is always predicting the mean.',
    '  - r2 >= 0',
    ...(margin
      ? [
          `  # Every later version: RMSE not more than 5% of the label's spread (σ ${stdev!.toPrecision(3)}) above production.`,
          `  - { metric: rmse, max_increase: ${margin} }`,
        ]
      : []),
  ];
}

function majorityShare(column: ColumnProfile): { value: string; share: number } | undefined {
  if (column.kind !== 'categorical') return undefined;
  const [top] = column.topValues.items;
  const rows = column.count - column.nullCount;
  return top && rows > 0 ? { value: top[0], share: top[1] / rows } : undefined;
}

/** The stage policy the registry reads from .github/mlship-registry.yml (docs/registry.md#stage-policy). */
export function starterStagePolicy(): string {
  return `# Written by 'mlship init'. Stages a model version moves through, in order;
# see docs/registry.md#stage-policy. Add actors: [login, ...] to a stage to
# limit who may assign it, and requiredChecks: to demand passing check runs.
schemaVersion: 1
enforceOrder: true
stages:
  - name: staging
  - name: canary
  - name: prod
    requires: staging
`;
}

/** actionlint's settings: the labels of self-hosted runners the workflows name. */
export function actionlintConfig(labels: readonly string[]): string {
  return `# Written by 'mlship init': the self-hosted runner labels the mlship workflows use.
self-hosted-runner:
  labels: [${labels.join(', ')}]
`;
}
