// mlship deploy: the deploy action's controller from a terminal, on the same
// code path (runDeploy): the rollout's state lives in GitHub (a Deployment,
// its statuses and the rollout log), so any machine may take the next step.
import { z } from 'zod';
import { InputError } from '@mlship/errors';
import { DeployInputsSchema, runDeploy, type DeployInputs } from '@mlship/deploy';
import { openRegistry } from '@mlship/registry';
import { parseCommandLine, usageError } from '../flags.ts';
import {
  cliGitHubClient,
  cliRunnerContext,
  cliWarning,
  cliRegistryLocation,
  GITHUB_OPTIONS,
  readToken,
  TOKEN_HINT,
} from '../runner.ts';
import type { CliCommand } from '../command.ts';

const USAGE = `usage: mlship deploy <command> NAME[@vX.Y.Z] [options]
  start NAME@vX.Y.Z   start a rollout: a Deployment, the canary at the first step's weight
  step NAME           judge the live evidence and take at most one step (what a scheduled run does)
  promote NAME        approve a rollout the judge found inconclusive
  rollback NAME       abort the rollout: canary weight 0, prod unchanged
serving (one of): --server-url URL (mlship serve; its token, if any, from MLSHIP_SERVE_TOKEN)
                  --traffic-url URL [--evidence-url URL]   ({model} is replaced by the name)
                  --traffic-command CMD [--evidence-command CMD]
options: --repo OWNER/NAME (default $GITHUB_REPOSITORY)
         --registry DIR|local:DIR|github:OWNER/REPO (default $MLSHIP_REGISTRY, else local:.mlship/registry)
         --environment NAME (production)  --policy FILE (mlship/policy.yml)  --steps 5,25,50,100
         --environment-url URL  --reason TEXT  --api-url URL  --token-stdin  --json
The rollout's state lives in GitHub: the token (deployments: write, contents: write) comes from
GITHUB_TOKEN or GH_TOKEN, or from stdin with --token-stdin.`;

const FlagsSchema = z.object({
  repo: z.string().optional(),
  registry: z.string().optional(),
  environment: z.string().optional(),
  policy: z.string().optional(),
  steps: z.string().optional(),
  'server-url': z.string().optional(),
  'traffic-url': z.string().optional(),
  'evidence-url': z.string().optional(),
  'traffic-command': z.string().optional(),
  'evidence-command': z.string().optional(),
  'environment-url': z.string().optional(),
  reason: z.string().optional(),
  'api-url': z.string().optional(),
  'token-stdin': z.boolean().optional(),
  token: z.string().optional(),
  'token-env': z.string().optional(),
  json: z.boolean().optional(),
  help: z.boolean().optional(),
});

const OPTIONS = {
  repo: { type: 'string' },
  registry: { type: 'string' },
  environment: { type: 'string' },
  policy: { type: 'string' },
  steps: { type: 'string' },
  'server-url': { type: 'string' },
  'traffic-url': { type: 'string' },
  'evidence-url': { type: 'string' },
  'traffic-command': { type: 'string' },
  'evidence-command': { type: 'string' },
  'environment-url': { type: 'string' },
  reason: { type: 'string' },
  ...GITHUB_OPTIONS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = ['start', 'step', 'promote', 'rollback'] as const;

const command: CliCommand = {
  summary: 'roll a released version out through a judged canary on GitHub Deployments, one step per run',
  async run(argv, io) {
    const { flags, positionals } = parseCommandLine('deploy', argv, OPTIONS, FlagsSchema);
    if (flags.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const [sub, target, ...extra] = positionals;
    if (!sub || !(COMMANDS as readonly string[]).includes(sub))
      throw usageError('deploy', `give a command: ${COMMANDS.join(', ')}`);
    if (!target)
      throw usageError('deploy', sub === 'start' ? 'start needs NAME@vX.Y.Z' : `${sub} needs the model NAME`);
    if (extra.length > 0) throw usageError('deploy', `unexpected '${extra[0]}'`);
    const token = await readToken('deploy', io, flags);
    if (!token)
      throw new InputError(
        `mlship deploy: no token for GitHub, where the rollout's state lives (deployments: write, contents: write); ${TOKEN_HINT}`,
      );
    const serverToken = io.env.MLSHIP_SERVE_TOKEN || undefined;
    const raw: Record<string, string | undefined> = {
      command: sub,
      ...(target.includes('@') ? { version: target } : { model: target }),
      environment: flags.environment,
      policy: flags.policy,
      steps: flags.steps,
      serverUrl: flags['server-url'],
      serverToken,
      trafficUrl: flags['traffic-url'],
      evidenceUrl: flags['evidence-url'],
      trafficCommand: flags['traffic-command'],
      evidenceCommand: flags['evidence-command'],
      environmentUrl: flags['environment-url'],
      reason: flags.reason,
    };
    const parsed = DeployInputsSchema.safeParse(
      Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
    );
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw usageError('deploy', `${String(issue.path[0])}: ${issue.message}`);
    }
    const inputs: DeployInputs = parsed.data;
    const context = await cliRunnerContext('deploy', io, flags);
    const client = cliGitHubClient(context, token, io);
    // The registry gets the same client (stdin holds the token once).
    const registry = await openRegistry({
      location: cliRegistryLocation(flags.registry, io),
      cwd: io.cwd,
      client,
      tokenHint: TOKEN_HINT,
      actor: context.actor ?? 'mlship',
    });
    const result = await runDeploy(inputs, { context, client, registry, env: io.env, warn: cliWarning(io, context) });
    if (flags.json) {
      io.stdout(
        `${JSON.stringify(
          {
            action: result.action,
            outcome: result.judgement?.outcome,
            model: result.model,
            event: result.event,
            deploymentId: result.deploymentId,
            reasons: result.judgement?.reasons ?? result.event?.reasons,
          },
          null,
          2,
        )}\n`,
      );
    } else io.stdout(`${result.text}\n`);
    return 0;
  },
};

export default command;
