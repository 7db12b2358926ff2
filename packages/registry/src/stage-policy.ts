// Which stages exist, in what order a version must pass them, who may assign
// them and which checks must have passed on the version's commit. Pure: the
// callers bring the state, the actor and the passed checks.
import { z } from 'zod';
import { parseConfigFile, readConfigFile } from '@mlship/config-file';
import { RegistryRuleError } from './registry-errors.ts';
import type { RegistryState } from './registry-state.ts';
import { isStageName } from './tag-grammar.ts';

const StageName = z.string().refine(isStageName, 'stage names use lowercase letters, digits, - and _');

export const StagePolicySchema = z
  .strictObject({
    schemaVersion: z.literal(1).default(1),
    /** When true, a stage may only be assigned to a version that holds the stage listed before it (or its `requires`). */
    enforceOrder: z.boolean().default(false),
    stages: z
      .array(
        z.strictObject({
          name: StageName,
          /** The stage a version must hold first; defaults to the previous stage when enforceOrder is on. */
          requires: StageName.optional(),
          /** GitHub logins allowed to assign or roll back this stage; everyone when absent. */
          actors: z.array(z.string().min(1)).optional(),
          /** Check runs that must have succeeded on the version's commit. */
          requiredChecks: z.array(z.string().min(1)).default([]),
        }),
      )
      .min(1),
  })
  .superRefine((policy, ctx) => {
    const names = policy.stages.map((s) => s.name);
    policy.stages.forEach((stage, i) => {
      if (stage.requires && !names.includes(stage.requires)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'requires'],
          input: stage.requires,
          message: `stage '${stage.name}' requires unknown stage '${stage.requires}'; use one of ${names.join(', ')}`,
        });
      }
      if (names.indexOf(stage.name) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'name'],
          input: stage.name,
          message: `stage '${stage.name}' is listed twice; keep one`,
        });
    });
  });
export type StagePolicy = z.infer<typeof StagePolicySchema>;
export type StageRule = StagePolicy['stages'][number];

export const DEFAULT_POLICY: StagePolicy = StagePolicySchema.parse({
  stages: [{ name: 'dev' }, { name: 'staging' }, { name: 'canary' }, { name: 'prod' }],
});

const HELP = 'see docs/registry.md#stage-policy';

/** Parses a stage policy (YAML or JSON); errors name the file, line and column. */
export function parseStagePolicy(text: string, file: string): StagePolicy {
  return parseConfigFile(StagePolicySchema, text, file, { help: HELP }).value;
}

/** Reads a stage policy file; `file` is the name the user gave, when `path` is resolved from it. */
export async function readStagePolicy(path: string, file = path): Promise<StagePolicy> {
  return (await readConfigFile(StagePolicySchema, path, { what: 'stage policy', file, help: HELP })).value;
}

export function stageRule(policy: StagePolicy, stage: string): StageRule {
  const rule = policy.stages.find((s) => s.name === stage);
  if (!rule) {
    const allowed = policy.stages.map((s) => s.name).join(', ');
    throw new RegistryRuleError(
      `stage '${stage}' is not allowed; use one of: ${allowed} (or add it to the stage policy)`,
    );
  }
  return rule;
}

/** The stage a version must hold before `stage`, if any. */
export function requiredPriorStage(policy: StagePolicy, stage: string): string | undefined {
  const rule = stageRule(policy, stage);
  if (rule.requires) return rule.requires;
  if (!policy.enforceOrder) return undefined;
  const index = policy.stages.indexOf(rule);
  return index > 0 ? policy.stages[index - 1]!.name : undefined;
}

export function checkActor(policy: StagePolicy, stage: string, actor: string): void {
  const rule = stageRule(policy, stage);
  if (rule.actors && !rule.actors.includes(actor)) {
    throw new RegistryRuleError(
      `${actor} may not change stage '${stage}'; ask one of ${rule.actors.join(', ')} or add ${actor} to the stage's actors in the policy`,
    );
  }
}

export interface PromotionCheck {
  name: string;
  version: string;
  stage: string;
  actor: string;
  /** Names of check runs that succeeded on the version's commit. */
  passedChecks: readonly string[];
}

/** Throws RegistryRuleError when the policy or the state refuses the assignment. */
export function checkPromotion(policy: StagePolicy, state: RegistryState, p: PromotionCheck): void {
  if (state.deprecated)
    throw new RegistryRuleError(`model ${p.name} is deprecated; publish under a new name to keep promoting`);
  if (!state.versions.includes(p.version)) {
    throw new RegistryRuleError(
      `${p.name}@${p.version} is not a registered version; publish it first or pick one from 'mlship registry list ${p.name}'`,
    );
  }
  const rule = stageRule(policy, p.stage);
  checkActor(policy, p.stage, p.actor);
  const prior = requiredPriorStage(policy, p.stage);
  if (prior && !(state.stages[prior] ?? []).includes(p.version)) {
    throw new RegistryRuleError(
      `${p.name}@${p.version} must be in stage '${prior}' before '${p.stage}'; promote it to ${prior} first`,
    );
  }
  const missing = rule.requiredChecks.filter((c) => !p.passedChecks.includes(c));
  if (missing.length > 0) {
    throw new RegistryRuleError(
      `${p.name}@${p.version} cannot enter '${p.stage}': required check(s) ${missing.join(', ')} have not succeeded on its commit; run them first`,
    );
  }
}
