// Reads an action's action.yml the way the runner does for a node action:
// which files to run and the inputs' defaults (with ${{ github.* }} filled in).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionMetadata {
  main: string;
  pre?: string;
  post?: string;
  /** input name → default, before expression evaluation */
  inputDefaults: Record<string, string>;
}

interface RawActionYml {
  inputs?: Record<string, { default?: unknown } | null>;
  runs?: { using?: string; main?: string; pre?: string; post?: string };
}

export function readActionMetadata(actionDir: string): ActionMetadata {
  const file = join(actionDir, 'action.yml');
  const raw = parse(readFileSync(file, 'utf8')) as RawActionYml;
  const runs = raw.runs;
  if (!runs?.main || !/^node\d+$/.test(runs.using ?? ''))
    throw new Error(`${file}: runs.using must be a node runtime with runs.main`);
  const inputDefaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries(raw.inputs ?? {})) {
    if (spec?.default !== undefined && spec.default !== null) inputDefaults[name] = String(spec.default);
  }
  return {
    main: runs.main,
    ...(runs.pre ? { pre: runs.pre } : {}),
    ...(runs.post ? { post: runs.post } : {}),
    inputDefaults,
  };
}

/**
 * Fills `${{ github.<name> }}` in an input default from the github context;
 * anything else an expression could say is not supported and fails loudly.
 */
export function evaluateDefault(value: string, github: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression: string) => {
    const match = /^github\.([a-z_]+)$/.exec(expression);
    const found = match ? github[match[1] ?? ''] : undefined;
    if (found === undefined) throw new Error(`the harness cannot evaluate the input default \${{ ${expression} }}`);
    return found;
  });
}
