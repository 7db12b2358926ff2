// HyperLogLog distinct count (Flajolet et al. 2007, with linear counting for
// small ranges), written here because the npm packages found either pull in
// native murmurhash builds or cannot be serialised and merged as plain JSON.
// 2^12 registers: about 1.6% standard error.
import { z } from 'zod';

const P = 12;
const M = 1 << P;

export const HllStateSchema = z.object({
  precision: z.literal(P),
  /** Registers, base64. */
  registers: z.string(),
});
export type HllState = z.infer<typeof HllStateSchema>;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashNumber(value: number): number {
  f64[0] = value === 0 ? 0 : value; // -0 and 0 are one value
  return fmix32(Math.imul(u32[0]! ^ 0x9e3779b9, 0x01000193) ^ fmix32(u32[1]!));
}

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h ^ text.length);
}

export class HyperLogLog {
  private readonly registers: Uint8Array;

  constructor(registers = new Uint8Array(M)) {
    this.registers = registers;
  }

  static fromState(state: HllState): HyperLogLog {
    const bytes = Buffer.from(state.registers, 'base64');
    if (bytes.length !== M) throw new Error(`HyperLogLog state has ${bytes.length} registers, expected ${M}`);
    return new HyperLogLog(new Uint8Array(bytes));
  }

  toState(): HllState {
    return { precision: P, registers: Buffer.from(this.registers).toString('base64') };
  }

  add(hash: number): void {
    const index = hash >>> (32 - P);
    const rank = Math.clz32((hash << P) | (1 << (P - 1))) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    for (let i = 0; i < M; i++) if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const raw = (alpha * M * M) / sum;
    if (raw <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    return Math.round(raw);
  }
}
