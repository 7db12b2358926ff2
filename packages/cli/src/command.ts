/** What every `mlship <command>` module exports as its default. */
export interface CliCommand {
  /** One line for `mlship --help`. */
  summary: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** The terminal, handed in so commands are testable without a process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of stdin (for --token-stdin). */
  readStdin?(): Promise<string>;
  cwd: string;
  env: Record<string, string | undefined>;
}
