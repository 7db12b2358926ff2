// The one loader of YAML (and JSON) settings files: expectations, the
// validation policy, the stage policy, drift settings, registry params. The
// schema is the single source of truth; every problem in the file (YAML
// syntax, duplicate keys, unknown keys, wrong types, failed refinements) is
// reported with file:line:col, in one line, as a FileFormatError located at
// the first of them so an action annotates that line.
import { LineCounter, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { FileFormatError } from '@mlship/errors';
import { issueMessage, showValue, unknownKeyMessage } from './issue-message.ts';
import { YamlPositions, formatPath, type ConfigPath, type Position } from './yaml-positions.ts';

export interface ConfigFileOptions {
  /** Where the format is documented, appended to errors, e.g. 'see docs/registry.md#stage-policy'. */
  help?: string;
}

export interface ConfigFile<T> {
  readonly value: T;
  /** The file's name as the user gave it. */
  readonly file: string;
  /** Where the entry at a path is written (its key), or its nearest written ancestor. */
  positionOf(path: ConfigPath): Position;
  /** A located error for a rule the schema alone cannot check (one that depends on other inputs). */
  errorAt(path: ConfigPath, message: string): FileFormatError;
}

export interface ConfigIssue extends Position {
  message: string;
}

/** Issues listed in one error line; the rest are counted. */
const MAX_LISTED = 10;

export function parseConfigFile<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  options: ConfigFileOptions = {},
): ConfigFile<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const fail = (issues: ConfigIssue[]): never => {
    throw configError(file, issues, options);
  };
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        const message =
          e.code === 'DUPLICATE_KEY'
            ? `duplicate key ${showValue(keyAt(doc, e.pos[0]))}; keep one of them`
            : `invalid YAML: ${e.message.split('\n')[0]}`;
        return { line, column: col, message };
      }),
    );
  }
  if (doc.contents === null) fail([{ line: 1, column: 1, message: `the file is empty; write the settings in it` }]);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to a missing anchor, or aliases that would expand without bound.
    fail([{ line: 1, column: 1, message: `invalid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const positions = new YamlPositions(doc, lines);
  const located = (path: ConfigPath, message: string, at: Position): ConfigIssue => ({
    ...at,
    message: path.length > 0 ? `${formatPath(path)}: ${message}` : message,
  });
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((issue): ConfigIssue[] => {
      const path = issue.path as PropertyKey[];
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) =>
          located([...path, key], unknownKeyMessage(schema, path, key), positions.keyAt([...path, key])),
        );
      return [located(path, issueMessage(issue, !positions.has(path)), positions.valueAt(path))];
    });
    fail(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return {
    value: parsed.data as z.output<S>,
    file,
    positionOf: (path) => positions.keyAt(path),
    errorAt: (path, message) => configError(file, [located(path, message, positions.valueAt(path))], options),
  };
}

function configError(file: string, issues: ConfigIssue[], options: ConfigFileOptions): FileFormatError {
  const first = issues[0]!;
  const listed = issues.slice(0, MAX_LISTED).map((i) => `${file}:${i.line}:${i.column}: ${i.message}`);
  if (issues.length > MAX_LISTED) listed.push(`and ${issues.length - MAX_LISTED} more`);
  const help = options.help ? `; ${options.help}` : '';
  return new FileFormatError(`${listed.join('; ')}${help}`, {
    location: { file, line: first.line, column: first.column },
  });
}

/** The text of the map key written at an offset. */
function keyAt(doc: Document, offset: number): unknown {
  let found: unknown;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        found = pair.key.value;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
