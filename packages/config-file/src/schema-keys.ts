// The keys a schema allows at a path, so an unknown key can be answered with
// the key that was meant. zod has no public "what is allowed here" query;
// `def` describes each schema node, and only wrappers, objects, arrays and
// records need walking to find the object that refused the key.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: readonly z.ZodType[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

/** The object keys allowed at `path`, or undefined when the schema there is not an object. */
export function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  const found = objectsAt(schema, path, 0);
  if (found.length === 0) return undefined;
  return [...new Set(found.flatMap((o) => Object.keys(defOf(o).shape ?? {})))];
}

// Bounded by the schema's own depth: each step either consumes a path segment
// or unwraps one wrapper.
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[], index: number): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return objectsAt(def.innerType!, path, index);
    case 'pipe': {
      // A transform's output schema is not an object; its input is what the file holds.
      const out = objectsAt(def.out!, path, index);
      return out.length > 0 ? out : objectsAt(def.in!, path, index);
    }
    case 'union':
      return (def.options ?? []).flatMap((option) => objectsAt(option, path, index));
    case 'object':
      if (index === path.length) return [schema];
      return def.shape && String(path[index]) in def.shape
        ? objectsAt(def.shape[String(path[index])]!, path, index + 1)
        : [];
    case 'array':
      return index < path.length && typeof path[index] === 'number' ? objectsAt(def.element!, path, index + 1) : [];
    case 'record':
      return index < path.length ? objectsAt(def.valueType!, path, index + 1) : [];
    default:
      return [];
  }
}

/** The allowed key closest to a mistyped one, when it is close enough to be a typo. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  // A key cut short ('uniq' for 'unique') is a typo too, whatever the edit distance.
  const extended = allowed.filter((a) => key.length >= 3 && a.toLowerCase().startsWith(key.toLowerCase()));
  if (extended.length === 1) return extended[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

// Levenshtein distance: a dozen lines for a typo hint do not justify a dependency.
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
