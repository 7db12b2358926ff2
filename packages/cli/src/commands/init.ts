// mlship init: scaffold a repository for its first model pull request.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { applyPlan, diffAgainst, lintPlan, planInit } from '@mlship/init';
import { parseCommandLine } from '../flags.ts';
import type { CliCommand } from '../command.ts';

const USAGE = `usage: mlship init [--name MODEL] [--data FILE] [--holdout FILE] [--label COLUMN]
                   [--task classification|regression] [--default-branch BRANCH] [--force]
Writes into the git repository around the current folder: the workflows (.github/workflows/mlship-*.yml),
expectations inferred from --data (mlship/expectations.yml), a validation policy (mlship/policy.yml), a
stage policy (.github/mlship-registry.yml) and actionlint's runner labels (.github/actionlint.yaml).
A file that exists with other content is shown as a diff and left alone unless --force.`;

const OPTIONS = {
  name: { type: 'string' },
  data: { type: 'string' },
  holdout: { type: 'string' },
  label: { type: 'string' },
  task: { type: 'string' },
  'default-branch': { type: 'string' },
  force: { type: 'boolean' },
} as const;

const FlagsSchema = z.object({
  name: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  holdout: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
  task: z.enum(['classification', 'regression']).optional(),
  'default-branch': z.string().min(1).optional(),
  force: z.boolean().default(false),
});

/** The workflow templates: beside the bundle in the npm package, at the repository root in a checkout. */
export function templatesDir(): string {
  for (let dir = import.meta.dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'workflows-templates');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`workflows-templates/ not found above ${import.meta.dirname}`);
}

const command: CliCommand = {
  summary: 'scaffold workflows, expectations and policies into a repository',
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const { flags } = parseCommandLine('init', argv, OPTIONS, FlagsSchema);
    const plan = await planInit({
      cwd: io.cwd,
      templatesDir: templatesDir(),
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.data ? { data: flags.data } : {}),
      ...(flags.holdout ? { holdout: flags.holdout } : {}),
      ...(flags.label ? { label: flags.label } : {}),
      ...(flags.task ? { task: flags.task } : {}),
      ...(flags['default-branch'] ? { defaultBranch: flags['default-branch'] } : {}),
    });
    for (const file of plan.files.filter((f) => f.status === 'differs'))
      io.stderr(diffAgainst(join(plan.root, file.path), file.text, file.path));
    const written = await applyPlan(plan, flags.force);

    io.stdout(`mlship init: model '${plan.model}', default branch '${plan.defaultBranch}' in ${plan.root}\n`);
    for (const file of plan.files) {
      const verb = file.status === 'create' ? 'created' : file.status === 'differs' ? 'overwrote' : 'unchanged';
      io.stdout(`  ${verb.padEnd(10)} ${file.path}\n`);
    }
    if (plan.choices)
      io.stdout(
        `  ${plan.choices.task} of '${plan.choices.label}' from ${plan.choices.features.length} numeric features of ${plan.data}\n`,
      );
    if (plan.data !== undefined && plan.holdout === plan.data)
      io.stdout(`  note: validation scores models on ${plan.data} itself until you pass --holdout FILE\n`);

    const lint = await lintPlan(plan);
    if (!lint.linter)
      io.stdout(
        '  actionlint: not found, workflows not linted (brew install actionlint, or see github.com/rhysd/actionlint)\n',
      );
    else if (!lint.findings.length) io.stdout(`  ${lint.linter}: the workflows are clean\n`);
    for (const f of lint.findings) io.stderr(`${f.file}:${f.line}:${f.column}: ${f.message}\n`);
    io.stdout(
      written.length
        ? `next: commit these files, add your training entry point (train.sh), and open a pull request\n`
        : 'nothing to change\n',
    );
    return lint.findings.length ? 1 : 0;
  },
};

export default command;
