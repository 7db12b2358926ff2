import * as core from '@actions/core';
import { isUserError } from '@mlship/errors';

/**
 * The single error boundary of an action's entry file. A UserError becomes one
 * `::error` annotation (with file/line when known) and a failed step; anything
 * else is a bug, reported with its stack so it can be filed.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (isUserError(error)) {
      const where = error.location;
      core.error(error.message, where ? { file: where.file, startLine: where.line, startColumn: where.column } : {});
      process.exitCode = 1;
      return;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    core.setFailed(`mlship internal error (please report it): ${err.stack ?? err.message}`);
  }
}
