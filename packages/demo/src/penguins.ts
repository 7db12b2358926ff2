// The demo's real data: the Palmer penguins from vega-datasets.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Finds vega-datasets' penguins.json above this package (the workspace installs it). */
export function penguinsPath(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'vega-datasets', 'data', 'penguins.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('vega-datasets is not installed: run pnpm install');
  }
}
