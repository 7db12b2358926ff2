// rocm-smi's JSON (`--showproductname --showuse --showmeminfo vram --showpower
// --showtemp --json`): one object per card, every value a string, keys named
// as the table's columns. Power and temperature keys changed between ROCm
// releases, so each is looked up under its known names.
import type { GpuReading } from './gpu-types.ts';

export const ROCM_QUERY_ARGS = [
  '--showproductname',
  '--showuse',
  '--showmeminfo',
  'vram',
  '--showpower',
  '--showtemp',
  '--showdriverversion',
  '--json',
] as const;

const MIB = 1024 * 1024;

function number(card: Record<string, unknown>, ...keys: string[]): number | null {
  for (const key of keys) {
    const value = Number(card[key]);
    if (card[key] !== undefined && card[key] !== 'N/A' && Number.isFinite(value)) return value;
  }
  return null;
}

function text(card: Record<string, unknown>, ...keys: string[]): string {
  for (const key of keys) if (typeof card[key] === 'string' && card[key] !== 'N/A') return card[key];
  return '';
}

export class RocmSmiFormatError extends Error {
  override readonly name = 'RocmSmiFormatError';
}

export function parseRocmSmiJson(json: string): { gpus: GpuReading[]; driverVersion: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new RocmSmiFormatError(`rocm-smi printed no JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new RocmSmiFormatError('rocm-smi printed JSON that is not an object');
  const cards = parsed as Record<string, Record<string, unknown>>;
  const driverVersion = text(cards['system'] ?? {}, 'Driver version');
  const entries = Object.entries(cards);
  const gpus = entries
    .filter(([key]) => /^card\d+$/.test(key))
    .map(([key, card]) => {
      const total = number(card, 'VRAM Total Memory (B)');
      const used = number(card, 'VRAM Total Used Memory (B)');
      return {
        index: Number(key.slice(4)),
        name: text(card, 'Card Series', 'Card series', 'Device Name', 'Card Model'),
        uuid: text(card, 'Unique ID', 'GUID'),
        driverVersion: driverVersion || '',
        memoryTotalMiB: total === null ? null : Math.round(total / MIB),
        memoryUsedMiB: used === null ? null : Math.round(used / MIB),
        utilizationPercent: number(card, 'GPU use (%)'),
        powerDrawWatts: number(card, 'Average Graphics Package Power (W)', 'Current Socket Graphics Package Power (W)'),
        temperatureC: number(card, 'Temperature (Sensor edge) (C)', 'Temperature (Sensor junction) (C)'),
      };
    })
    .sort((a, b) => a.index - b.index);
  return { gpus, driverVersion: driverVersion || undefined };
}
