// Typed errors for everything a user can fix. Entry points (actions and the
// CLI) print their message as one line — an `::error` annotation in Actions —
// and exit non-zero; anything else is a bug and keeps its stack.

/** Where in a user's file the problem is, for annotations and messages. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * A problem the user can act on. The message is one line that names the
 * file, column or input and says what to do.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  readonly location: SourceLocation | undefined;

  constructor(message: string, options: { location?: SourceLocation; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.location = options.location;
  }
}

/** An action input or CLI flag is missing or malformed. */
export class InputError extends UserError {
  override readonly name: string = 'InputError';
}

/** A user file (data, YAML, model, policy) cannot be read or is invalid. */
export class FileFormatError extends UserError {
  override readonly name: string = 'FileFormatError';
}

/** GitHub refused a request in a way the user must fix (permissions, missing PR). */
export class GitHubAccessError extends UserError {
  override readonly name: string = 'GitHubAccessError';
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
