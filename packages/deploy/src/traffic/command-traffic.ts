// The command adapter: the team's own commands move traffic and report
// evidence, e.g. `kubectl patch inferenceservice ...` on KServe, or a
// SageMaker/Vertex traffic split through their CLIs. Values reach the command
// only as environment variables (MLSHIP_MODEL, MLSHIP_PROD_VERSION,
// MLSHIP_CANARY_VERSION, MLSHIP_CANARY_WEIGHT, MLSHIP_SHADOW, MLSHIP_SINCE),
// never spliced into the command text, so no version or model name is ever
// parsed by the shell.
import { spawn } from 'node:child_process';

import { EvidenceSchema, type Evidence, type TrafficRequest } from '../evidence.ts';
import { ServingError, type EvidenceQuery, type TrafficAdapter } from './traffic-adapter.ts';

export interface CommandTrafficOptions {
  /** Shell command that sets the split. */
  trafficCommand: string;
  /** Shell command that prints the evidence as JSON; undefined: no evidence source. */
  evidenceCommand?: string | undefined;
  cwd: string;
  /** The environment the commands inherit (the step's). */
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

function run(
  what: string,
  command: string,
  options: CommandTrafficOptions,
  vars: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: options.cwd,
      env: { ...options.env, ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 300_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT_BYTES) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new ServingError(`${what} could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const last = Buffer.concat(err).toString('utf8').trim().split('\n').at(-1)?.slice(0, 300) ?? '';
      const how = signal ? `was stopped (${signal})` : `exited with ${code}`;
      reject(new ServingError(`${what} ${how}${last ? `: ${last}` : ''}; the rollout is unchanged`));
    });
  });
}

export function commandTraffic(options: CommandTrafficOptions): TrafficAdapter {
  return {
    description: 'traffic-command',
    async setTraffic(model: string, request: TrafficRequest): Promise<void> {
      await run('traffic-command', options.trafficCommand, options, {
        MLSHIP_MODEL: model,
        MLSHIP_PROD_VERSION: request.prod,
        MLSHIP_CANARY_VERSION: request.canary ?? '',
        MLSHIP_CANARY_WEIGHT: String(request.canaryWeight),
        MLSHIP_SHADOW: String(request.shadow),
      });
    },
    async evidence(query: EvidenceQuery): Promise<Evidence | undefined> {
      if (!options.evidenceCommand) return undefined;
      const stdout = await run('evidence-command', options.evidenceCommand, options, {
        MLSHIP_MODEL: query.model,
        MLSHIP_PROD_VERSION: query.prod,
        MLSHIP_CANARY_VERSION: query.canary,
        MLSHIP_SINCE: query.since,
      });
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        throw new ServingError(
          'evidence-command printed something that is not JSON; it must print mlship evidence (docs/deploy.md)',
        );
      }
      const parsed = EvidenceSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ServingError(
          `evidence-command printed invalid evidence at ${issue.path.join('.') || '(top)'}: ${issue.message}; see docs/deploy.md`,
        );
      }
      return parsed.data;
    },
  };
}
