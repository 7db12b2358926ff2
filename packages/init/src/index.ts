export { planInit, applyPlan, lintPlan, templateFiles, SELF_HOSTED_LABELS } from './init.ts';
export type { InitOptions, InitPlan, PlannedFile, FileStatus } from './init.ts';
export { diffAgainst } from './repository.ts';
export { fillTemplate, directoryOf, yamlScalar, TEMPLATE_EXAMPLES } from './template-values.ts';
export type { TemplateValues } from './template-values.ts';
export { choosePolicy, starterPolicy, starterStagePolicy } from './starter-files.ts';
export type { PolicyChoices, Task } from './starter-files.ts';
export type { LintFinding, Linter } from './lint-workflows.ts';
