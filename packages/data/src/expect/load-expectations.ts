// Parses expectations (and other YAML settings files); every error names the
// file and the line of the offending key or value.
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { FileFormatError } from '@mlship/errors';
import { ExpectationsSchema, type Expectations } from './expectations-schema.ts';

export interface LoadedExpectations {
  expectations: Expectations;
  file: string;
  /** The 1-based line of a check, by path such as `columns.age.between`. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

export function parseExpectations(text: string, file: string): LoadedExpectations {
  const { value, lineOf } = parseYamlFile(ExpectationsSchema, text, file);
  return { expectations: value, file, lineOf };
}

/**
 * Parses a YAML (or JSON) file against a schema; errors name the file, the line
 * of the offending key or value, and the path.
 */
export function parseYamlFile<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
): { value: z.infer<S>; lineOf: (path: readonly (string | number)[]) => number | undefined } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0].line ?? lineCounter.linePos(yamlError.pos[0]).line;
    throw new FileFormatError(`${file}:${line}: invalid YAML: ${yamlError.message.split('\n')[0]}`, {
      location: { file, line },
      cause: yamlError,
    });
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => nodeLine(doc, lineCounter, path);
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    // An unknown key is reported at the key itself.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const at = keys.length > 0 ? [...path, keys[0]!] : path;
    const line = lineOf(at) ?? 1;
    const where = at.length > 0 ? at.join('.') : '(top level)';
    const message = issue.code === 'unrecognized_keys' ? `unknown key '${keys[0]}'` : issue.message;
    throw new FileFormatError(`${file}:${line}: ${where}: ${message}`, { location: { file, line } });
  }
  return { value: parsed.data, lineOf };
}
/** The line of the deepest existing node on the path (the key's line for map entries). */
function nodeLine(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
    if (!isNode(node) || !node.range) continue;
    // Prefer the key's position: for `between: {...}` point at `between`.
    const parent = sub.length > 0 ? (sub.length === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true)) : undefined;
    const key = parent && 'items' in (parent as object) ? findKey(parent, sub.at(-1)!) : undefined;
    const offset = key?.range?.[0] ?? node.range[0];
    return lineCounter.linePos(offset).line;
  }
  return undefined;
}

function findKey(parent: unknown, name: string | number): { range?: [number, number, number] | null } | undefined {
  const items = (parent as { items: unknown[] }).items;
  for (const item of items) {
    const key = (item as { key?: unknown }).key;
    if (isNode(key) && (key as { value?: unknown }).value === name)
      return key as { range?: [number, number, number] | null };
  }
  return undefined;
}
