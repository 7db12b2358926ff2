// Maps a path in the parsed value (a zod issue's path) back to where it is
// written in the YAML text, so an error can name the line and column.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type ConfigPath = readonly PropertyKey[];

/** 1-based, as editors and GitHub annotations count. */
export interface Position {
  line: number;
  column: number;
}

interface Located {
  /** The key of the last map entry on the path, when the path ends in a map entry. */
  key: Node | undefined;
  /** The value at the path, when it is written in the file. */
  value: Node | undefined;
  /** How many segments of the path exist in the file. */
  depth: number;
}

export class YamlPositions {
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  /** Whether every segment of the path is written in the file. */
  has(path: ConfigPath): boolean {
    return this.#locate(path).depth === path.length;
  }

  /**
   * Where the value at the path is written; where its key is, when the value
   * is empty; or the deepest ancestor that exists (where a missing key goes).
   */
  valueAt(path: ConfigPath): Position {
    const at = this.#locate(path);
    return this.#position(at.value ?? at.key);
  }

  /** Where the key of the entry at the path is written (the value's position for list items). */
  keyAt(path: ConfigPath): Position {
    const at = this.#locate(path);
    return this.#position(at.key ?? at.value);
  }

  #position(node: Node | undefined): Position {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  #locate(path: ConfigPath): Located {
    let value = this.#resolve(this.#doc.contents);
    let key: Node | undefined;
    let depth = 0;
    for (const segment of path) {
      if (isMap(value)) {
        const pair = value.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
        if (!pair) break;
        key = isNode(pair.key) ? pair.key : undefined;
        value = this.#resolve(pair.value);
      } else if (isSeq(value) && typeof segment === 'number') {
        const item = value.items[segment];
        if (item === undefined) break;
        key = undefined;
        value = this.#resolve(item);
      } else break;
      depth++;
    }
    // A value that is written but empty (`key:` alone) has a null scalar with no range.
    const written = value && value.range && !(isScalar(value) && value.range[0] === value.range[1]);
    return { key, value: written ? value : undefined, depth };
  }

  #resolve(node: unknown): Node | undefined {
    if (isAlias(node)) return this.#resolve(node.resolve(this.#doc));
    return isNode(node) ? node : undefined;
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

/** `gates[2].max_drop`, `columns["body mass"].between`: one line whatever the keys hold. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const name = String(segment);
      out += /^[A-Za-z_][\w-]*$/.test(name) ? `${out ? '.' : ''}${name}` : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}
