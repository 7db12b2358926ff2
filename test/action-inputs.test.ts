// The root action merges every action's inputs, so an input name must mean
// one thing in every action that takes it: `model` is a model's name
// wherever it appears, `tracking-issue` a boolean. Every name two or more
// actions share is listed here with its kind, checked against each action's
// action.yml and the zod schema its entry reads the inputs with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { DataTestActionInputsSchema } from '@mlship/data';
import { DeployActionInputsSchema } from '@mlship/deploy';
import { MonitorInputsSchema } from '@mlship/monitor';
import { RetrainInputsSchema } from '@mlship/monitor/retrain';
import { ReportInputsSchema } from '@mlship/pr-comment';
import { RegistryActionInputsSchema } from '@mlship/registry';
import { TrainInputsSchema } from '@mlship/train';
import { ValidateActionInputsSchema } from '@mlship/validate';
import { readActions } from '../scripts/generate-action-docs.ts';

/** The schema each action's entry parses its inputs with (actions/NAME/src/index.ts). */
const SCHEMAS: Record<string, z.ZodObject> = {
  'data-test': DataTestActionInputsSchema,
  deploy: DeployActionInputsSchema,
  monitor: MonitorInputsSchema,
  registry: RegistryActionInputsSchema,
  report: ReportInputsSchema,
  'retrain-pr': RetrainInputsSchema,
  train: TrainInputsSchema,
  validate: ValidateActionInputsSchema,
};

interface Use {
  action: string;
  description: string;
  default: string | undefined;
  /** The input's field in the action's schema. */
  field: z.ZodType;
}

const parses = (field: z.ZodType, text: string) => field.safeParse(text);
const accepts = (use: Use, text: string, expected: unknown = text) => {
  const parsed = parses(use.field, text);
  assert.ok(parsed.success, `${use.action} refuses '${text}'`);
  assert.deepEqual(parsed.data, expected, `${use.action} reads '${text}'`);
};

/** What each kind of input must be, in every action that takes it. */
const KINDS = {
  boolean(use: Use) {
    assert.match(use.default ?? '', /^(true|false)$/, `${use.action}: a default of true or false`);
    for (const text of ['true', 'True', 'TRUE']) accepts(use, text, true);
    for (const text of ['false', 'False', 'FALSE']) accepts(use, text, false);
    assert.ok(!parses(use.field, 'yes').success, `${use.action} refuses 'yes' rather than reading it as false`);
  },
  modelName(use: Use) {
    accepts(use, 'churn');
    // Its description offers a name, never a reference such as churn@prod.
    assert.doesNotMatch(use.description, /\b[a-z]+[@#][a-z]+/, `${use.action}: a name, not a reference`);
  },
  stage(use: Use) {
    accepts(use, 'prod');
    assert.match(use.description, /stage/);
  },
  version(use: Use) {
    assert.ok(parses(use.field, 'v1.2.0').success, `${use.action} refuses v1.2.0`);
    assert.match(use.description, /vX\.Y\.Z|SemVer/);
  },
  registryLocation(use: Use) {
    accepts(use, 'local:registry');
    assert.match(use.description, /github:OWNER\/REPO.*local:DIR/);
  },
  repository(use: Use) {
    accepts(use, 'octo-org/churn');
    assert.match(use.description, /owner\/name/);
  },
  token(use: Use) {
    assert.equal(use.default, '${{ github.token }}', `${use.action}: the job's token by default`);
  },
  outputDirectory(use: Use) {
    assert.match(use.default ?? '', /^mlship-[a-z-]+$/, `${use.action}: a directory of its own by default`);
    assert.equal(parses(use.field, undefined as unknown as string).data, use.default, `${use.action}: schema default`);
  },
  /** Files the step reads: a path (a glob, or one per line, where the description says so). */
  file(use: Use) {
    const parsed = parses(use.field, 'mlship/x.yml');
    assert.ok(parsed.success, `${use.action} refuses a path`);
    assert.ok([parsed.data].flat().includes('mlship/x.yml'), `${use.action} reads the path as given`);
  },
  /** The action's operation: its own list, each from the root action as `ACTION-OPERATION`. */
  operation(use: Use) {
    assert.ok(!parses(use.field, 'teleport').success, `${use.action} refuses an operation it does not have`);
  },
} satisfies Record<string, (use: Use) => void>;

const SHARED: Record<string, keyof typeof KINDS> = {
  calibration: 'file',
  command: 'operation',
  data: 'file',
  model: 'modelName',
  name: 'modelName',
  params: 'file',
  policy: 'file',
  'reference-profile': 'file',
  registry: 'registryLocation',
  report: 'file',
  repository: 'repository',
  stage: 'stage',
  token: 'token',
  'tracking-issue': 'boolean',
  version: 'version',
  'output-dir': 'outputDirectory',
};

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function uses(): Map<string, Use[]> {
  const byName = new Map<string, Use[]>();
  for (const [action, yml] of readActions()) {
    const schema = SCHEMAS[action];
    for (const [name, input] of Object.entries(yml.inputs)) {
      if (!schema) continue;
      const field = schema.shape[camel(name)] as z.ZodType | undefined;
      assert.ok(field, `actions/${action}/action.yml's input ${name} is read by its schema`);
      const list = byName.get(name) ?? [];
      list.push({ action, description: input.description, default: input.default, field });
      byName.set(name, list);
    }
  }
  return byName;
}

test('every action that takes inputs is read through a schema listed here', () => {
  const withInputs = [...readActions()].filter(([, yml]) => Object.keys(yml.inputs).length > 0).map(([a]) => a);
  assert.deepEqual(withInputs.sort(), Object.keys(SCHEMAS).sort());
});

test('every input name two or more actions take has one kind, and each of them reads it as that kind', () => {
  const shared = [...uses()].filter(([, list]) => list.length > 1);
  assert.deepEqual(
    shared.map(([name]) => name).sort(),
    Object.keys(SHARED).sort(),
    'a name shared by actions is listed in SHARED with its kind (and only those)',
  );
  for (const [name, list] of shared) for (const use of list) KINDS[SHARED[name]!](use);
});

test('every input defaulting to true or false, shared or not, is a boolean as getBooleanInput reads it', () => {
  for (const list of uses().values())
    for (const use of list) if (/^(true|false)$/.test(use.default ?? '')) KINDS.boolean(use);
});
