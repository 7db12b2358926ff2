import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { z } from 'zod';
import { InputError } from '@mlship/errors';

/**
 * Parses a command's flags once, at the boundary, through its zod schema.
 * Every mistake is one line naming the flag, pointing at --help.
 */
export function parseCommandLine<S extends z.ZodObject>(
  command: string,
  argv: string[],
  options: ParseArgsOptionsConfig,
  schema: S,
): { flags: z.infer<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(command, (error as Error).message.replace(/\.$/, ''));
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw usageError(command, `--${String(issue.path[0])} ${issue.message}`);
  }
  return { flags: result.data, positionals: parsed.positionals };
}

/** A wrong command line, as one line that says where the usage is. */
export function usageError(command: string, message: string): InputError {
  return new InputError(`mlship ${command}: ${message}; see 'mlship ${command.split(' ')[0]} --help'`);
}
