// The mlship CLI: the same library calls the actions make, from a terminal.
import { isUserError } from '@mlship/errors';
import type { CliCommand, CliIO } from './command.ts';

// Loaded on demand so `mlship data` never pays for ONNX Runtime, and so on.
const commands: Record<string, () => Promise<{ default: CliCommand }>> = {
  data: () => import('./commands/data.ts'),
  demo: () => import('./commands/demo.ts'),
  deploy: () => import('./commands/deploy.ts'),
  report: () => import('./commands/report.ts'),
  registry: () => import('./commands/registry.ts'),
  serve: () => import('./commands/serve.ts'),
  validate: () => import('./commands/validate.ts'),
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout('usage: mlship <command> [options]\n\ncommands:\n');
    for (const [command, load] of Object.entries(commands)) {
      io.stdout(`  ${command.padEnd(10)} ${(await load()).default.summary}\n`);
    }
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`mlship: unknown command '${name}'; run 'mlship --help' for the list\n`);
    return 2;
  }
  try {
    return await (await load()).default.run(rest, io);
  } catch (error) {
    if (!isUserError(error)) throw error;
    const where = error.location;
    // Inside a GitHub Actions step the same one line becomes an annotation.
    if (io.env.GITHUB_ACTIONS === 'true') {
      const props = where ? ` file=${where.file}${where.line ? `,line=${where.line}` : ''}` : '';
      io.stdout(`::error${props}::${error.message}\n`);
    }
    io.stderr(`mlship: error: ${error.message}\n`);
    return 1;
  }
}

const invokedDirectly =
  process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (invokedDirectly) {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
