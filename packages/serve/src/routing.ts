// Weighted, sticky routing: a request key hashes to a fixed point in [0, 100),
// and the canary answers the keys below its weight. The same key goes to the
// same model on every replica and after a restart, and raising the weight
// only adds keys to the canary (5% → 25% keeps the first 5%'s users there).
import { createHash } from 'node:crypto';

/** The key's point in [0, 100): the first 48 bits of its SHA-256, scaled. */
export function routePoint(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return (digest.readUIntBE(0, 6) / 2 ** 48) * 100;
}

/** Which model answers a key at a canary weight in percent. */
export function routeArm(key: string, canaryWeight: number): 'prod' | 'canary' {
  if (canaryWeight <= 0) return 'prod';
  if (canaryWeight >= 100) return 'canary';
  return routePoint(key) < canaryWeight ? 'canary' : 'prod';
}
