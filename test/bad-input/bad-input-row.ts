// One row of the bad-input table, and what every row must show: a non-zero
// exit, exactly one error line (one stderr line from the CLI, one `::error`
// annotation from an action) that names the file, input or value and says
// what to do, no stack trace, and nothing left behind.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { FileSpec } from './workspace.ts';

/** What is wrong, by where the fault lies. */
export const BAD_INPUT_KINDS = {
  path: 'a file or directory the run reads is missing, a directory, or a glob that matches nothing',
  content: 'a data, model or profile file the run reads is malformed, empty or of the wrong kind',
  config: 'a settings file (expectations, policies, drift settings, params) breaks its syntax or schema',
  argument: 'a command, flag or `with:` input is missing, unknown or out of range',
  output: 'where the results go is a file, under a file, or not a usable path',
  registry: 'the registry location, or a model or version it does or does not hold',
  github: 'the token, event payload, API host, repository or comment target',
} as const;
export type BadInputKind = keyof typeof BAD_INPUT_KINDS;

export interface BadInputRow {
  /** What is wrong, as the test's name. */
  case: string;
  kind: BadInputKind;
  /** Files in the workspace before the run. */
  files?: Record<string, FileSpec>;
  /** The error line contains this: the file, input, flag or value at fault. */
  names: string;
  /** ...and says what to do. */
  says: RegExp;
  /** Extra environment for the run. */
  env?: Record<string, string>;
  /**
   * The change that fixes this row, while it is not on main: the row runs and
   * reports its outcome without failing (see runRow) until then.
   */
  pending?: string;
}

export interface CliRow extends BadInputRow {
  /** `mlship ARGS`; paths are relative to the workspace. */
  args: string[];
}

export interface ActionRow extends BadInputRow {
  /** The bundled action: actions/NAME/dist/index.js. */
  action: string;
  /** `with:` values. */
  inputs: Record<string, string>;
  /** Publish the demo candidate as churn v1.0.0 in stage prod of the row's repository first. */
  seedRegistry?: true;
}

export interface RunOutcome {
  exitCode: number | null;
  /** The error lines the user sees: stderr lines for the CLI, error annotations for an action. */
  errorLines: string[];
  /** Everything printed, to look for stack traces. */
  output: string;
  /** Paths created, changed or removed in the workspace. */
  changed: string[];
  /** Files left in the run's TMPDIR. */
  tmpDir: string;
}

const STACK_FRAME = /^\s+at .+[:(]\d+/m;

export function assertCleanFailure(row: BadInputRow, outcome: RunOutcome): void {
  const context = `\n--- output ---\n${outcome.output.slice(-3000)}`;
  assert.notEqual(outcome.exitCode, 0, `exits non-zero${context}`);
  assert.notEqual(outcome.exitCode, null, `exits on its own${context}`);
  assert.equal(outcome.errorLines.length, 1, `exactly one error line, got ${JSON.stringify(outcome.errorLines)}`);
  const line = outcome.errorLines[0]!;
  assert.ok(line.includes(row.names), `the error line names '${row.names}': ${line}`);
  assert.match(line, row.says, `the error line says what to do: ${line}`);
  assert.doesNotMatch(line, /internal error|please report/i, 'a user error, not a bug');
  assert.doesNotMatch(outcome.output, STACK_FRAME, `no stack trace${context}`);
  assert.deepEqual(outcome.changed, [], 'nothing is left behind in the workspace');
  assert.deepEqual(readdirSync(outcome.tmpDir), [], 'nothing is left behind in TMPDIR');
}

/**
 * Runs a row's body. A pending row (its fix is another change, not on main
 * yet) that still fails is reported as a diagnostic, not as a failure or a
 * todo, so a merge of several branches is never blamed on this table; one
 * that passes says its marker can go.
 */
export async function runRow(t: TestContext, row: BadInputRow, body: () => Promise<void>): Promise<void> {
  if (!row.pending) return body();
  try {
    await body();
    t.diagnostic(`passes now: remove pending '${row.pending}' from this row`);
  } catch (error) {
    t.diagnostic(`pending on '${row.pending}': ${(error as Error).message.split('\n')[0]}`);
  }
}
