// The mlship CLI: the same library calls the actions make, from a terminal.
import { InputError, isUserError } from '@mlship/errors';
import { requestError } from '@mlship/github';
import type { CliCommand, CliIO } from './command.ts';

// Loaded on demand so `mlship data` never pays for ONNX Runtime, and so on.
const commands: Record<string, () => Promise<{ default: CliCommand }>> = {
  data: () => import('./commands/data.ts'),
  demo: () => import('./commands/demo.ts'),
  deploy: () => import('./commands/deploy.ts'),
  init: () => import('./commands/init.ts'),
  monitor: () => import('./commands/monitor.ts'),
  report: () => import('./commands/report.ts'),
  registry: () => import('./commands/registry.ts'),
  serve: () => import('./commands/serve.ts'),
  train: () => import('./commands/train.ts'),
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
  } catch (caught) {
    // A failed GitHub request no adapter described still gets the mapper's one line.
    const error = requestError(caught);
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

/** All of stdin, bounded: it carries a token, not data. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes > 64 * 1024) throw new InputError('stdin holds more than 64 KiB; --token-stdin reads one token');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const invokedDirectly =
  process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (invokedDirectly) {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: readStdin,
    cwd: process.cwd(),
    env: process.env,
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
