import * as core from '@actions/core';
import { isUserError } from '@mlship/errors';
import { requestError } from '@mlship/github';

/**
 * The single error boundary of an action's entry file. A UserError becomes one
 * `::error` annotation (with file/line when known) and a failed step; so does a
 * failed GitHub request no adapter described (through the one GitHub error
 * mapper). Anything else is a bug, reported with its stack so it can be filed.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (caught) {
    const error = requestError(caught);
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
