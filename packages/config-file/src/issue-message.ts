// One zod issue as a short sentence about the file the user wrote: what is
// there, what is expected, and for an unknown key the key that was meant.
import type { z } from 'zod';
import { allowedKeys, closestKey } from './schema-keys.ts';

type Issue = z.core.$ZodIssue;

/** A value as it would be written in YAML, shortened and kept on one line. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = typeof value === 'string' ? `'${value}'` : String(value);
  const oneLine = JSON.stringify(text).slice(1, -1);
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

const NOUNS: Record<string, string> = {
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

export function issueMessage(issue: Issue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = NOUNS[issue.expected] ?? issue.expected;
      if (missing) return `required; add it (${expected})`;
      return `expected ${expected}, got ${showValue(issue.input)}`;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => (typeof v === 'string' ? v : String(v)));
      return allowed.length === 1
        ? `must be ${allowed[0]}, got ${showValue(issue.input)}`
        : `${showValue(issue.input)} is not one of: ${allowed.join(', ')}`;
    }
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_union': {
      const expected = [
        ...new Set(issue.errors.flatMap((e) => e.filter((i) => i.code === 'invalid_type').map((i) => i.expected))),
      ];
      return expected.length > 0 && !missing
        ? `expected ${alternatives(expected.map((e) => NOUNS[e] ?? e))}, got ${showValue(issue.input)}`
        : firstLine(issue.message);
    }
    default:
      return firstLine(issue.message);
  }
}

export function unknownKeyMessage(schema: z.ZodType, objectPath: readonly PropertyKey[], key: string): string {
  const allowed = allowedKeys(schema, objectPath) ?? [];
  const meant = closestKey(key, allowed);
  if (meant) return `unknown key '${key}'; did you mean '${meant}'?`;
  if (allowed.length === 0) return `unknown key '${key}'; remove it`;
  const listed = allowed.length > 15 ? `${allowed.slice(0, 15).join(', ')}, ...` : allowed.join(', ');
  return `unknown key '${key}'; the keys here are: ${listed}`;
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
  const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${op} ${limit}, got ${showValue(issue.input)}`;
    case 'array':
    case 'set':
      return small ? `needs at least ${limit} item(s)` : `has more than ${limit} item(s)`;
    case 'string':
      return small
        ? Number(limit) <= 1
          ? 'must not be empty'
          : `needs at least ${limit} characters`
        : `is longer than ${limit} characters`;
    default:
      return firstLine(issue.message);
  }
}

const alternatives = (nouns: string[]) =>
  nouns.length <= 2 ? nouns.join(' or ') : `${nouns.slice(0, -1).join(', ')} or ${nouns.at(-1)}`;

const firstLine = (message: string) => message.split('\n')[0]!;
