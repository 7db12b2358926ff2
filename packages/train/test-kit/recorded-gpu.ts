// Puts a recorded GPU machine on a PATH: a `nvidia-smi` (or `rocm-smi`) that
// answers what the real tool printed on that machine (recorded-gpus/), first
// on the PATH, with every directory holding a real vendor tool dropped, so a
// test on a GPU machine still sees the recorded one.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KIT = dirname(fileURLToPath(import.meta.url));
export const RECORDED_GPUS_DIR = join(KIT, 'recorded-gpus');
const SHIM = join(KIT, 'nvidia-smi-shim.sh');
const VENDOR_TOOLS = ['nvidia-smi', 'rocm-smi'];

/** The recorded machines: folder names under recorded-gpus/, plus 'cpu' (no vendor tool at all). */
export function recordedGpuMachines(): string[] {
  const names = readdirSync(RECORDED_GPUS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
  return ['cpu', ...names.map((d) => d.name).sort()];
}

export interface RecordedGpu {
  /** The PATH to give the process: the shim's folder first, real vendor tools removed. */
  path: string;
  /** How many times the query has been answered (telemetry samples taken). */
  queries(): number;
  remove(): void;
}

/** bash, looked up before the vendor tools' folders leave the PATH (on a GPU machine /usr/bin holds nvidia-smi). */
function findBash(basePath: string): string {
  for (const dir of [...basePath.split(delimiter), '/bin', '/usr/bin']) {
    if (dir !== '' && existsSync(join(dir, 'bash'))) return join(dir, 'bash');
  }
  throw new Error('the recorded nvidia-smi is a bash script, and no bash was found on the PATH');
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function installRecordedGpu(machine: string, basePath = process.env['PATH'] ?? ''): RecordedGpu {
  const dirs = basePath
    .split(delimiter)
    .filter((dir) => dir !== '' && !VENDOR_TOOLS.some((tool) => existsSync(join(dir, tool))));
  const bin = mkdtempSync(join(tmpdir(), 'mlship-recorded-gpu-'));
  const state = join(bin, 'queries');
  if (machine !== 'cpu') {
    const folder = join(RECORDED_GPUS_DIR, machine);
    if (!existsSync(folder)) {
      rmSync(bin, { recursive: true, force: true });
      throw new Error(`no recorded GPU machine '${machine}'; known: ${recordedGpuMachines().join(', ')}`);
    }
    const tool = existsSync(join(folder, 'rocm-smi.json')) ? 'rocm-smi' : 'nvidia-smi';
    const wrapper = join(bin, tool);
    writeFileSync(
      wrapper,
      [
        `#!${findBash(basePath)}`,
        `export MLSHIP_RECORDED_GPU=${quote(folder)} MLSHIP_RECORDED_GPU_STATE=${quote(state)} MLSHIP_RECORDED_TOOL=${tool}`,
        // Sourced, not started: one process per query.
        `. ${quote(SHIM)}`,
        '',
      ].join('\n'),
    );
    chmodSync(wrapper, 0o755);
  }
  return {
    path: [bin, ...dirs].join(delimiter),
    queries: () => {
      try {
        return statSync(state).size;
      } catch {
        return 0;
      }
    },
    remove: () => rmSync(bin, { recursive: true, force: true }),
  };
}
