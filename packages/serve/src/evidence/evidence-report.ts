// The evidence the rollout controller reads for a pair of versions since a
// time (`GET /v2/mlship/models/{model}/evidence?prod=V&canary=V&since=ISO`),
// in the contract's schema (@mlship/deploy), checked before it is sent.
import { z } from 'zod';
import { EVIDENCE_SCHEMA_VERSION, EvidenceSchema, type ArmEvidence, type Evidence } from '@mlship/deploy';
import type { Profile } from '@mlship/data';
import { parseBody } from '../oip/protocol.ts';
import type { ServeRecorders } from '../inference.ts';
import { toHistogram } from './latency-histogram.ts';
import type { ArmTally } from './evidence-book.ts';

export const EvidenceQuerySchema = z.object({
  prod: z.string({ error: 'is required (the prod version)' }).min(1),
  canary: z.string({ error: 'is required (the canary version)' }).min(1),
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z' }),
});

export async function evidenceReport(r: ServeRecorders, query: URLSearchParams): Promise<Evidence> {
  const q = parseBody(EvidenceQuerySchema, Object.fromEntries(query), 'evidence query');
  const sinceMs = Date.parse(q.since);
  const nowMs = r.now();
  const tally = r.book.tally(sinceMs, nowMs, q.prod, q.canary);
  const routing = r.traffic.current;
  const arm = async (version: string, t: ArmTally): Promise<ArmEvidence> => {
    const profile = (kind: 'inputs' | 'outputs'): Promise<Profile | undefined> =>
      r.profiles ? r.profiles.profile(version, kind, sinceMs, nowMs) : Promise.resolve(undefined);
    const [inputs, outputs] = [await profile('inputs'), await profile('outputs')];
    return {
      version,
      scored: t.scored,
      served: t.served,
      errors: t.errors,
      latency: toHistogram(t.latency),
      ...(inputs ? { inputs } : {}),
      ...(outputs ? { outputs } : {}),
    };
  };
  const { pair } = tally;
  const pairServing = routing.prod.model.version === q.prod && routing.canary?.model.version === q.canary;
  return EvidenceSchema.parse({
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    model: r.traffic.modelName,
    since: new Date(sinceMs).toISOString(),
    asOf: new Date(nowMs).toISOString(),
    routing: pairServing
      ? { canaryWeight: routing.canaryWeight, shadow: routing.shadow }
      : { canaryWeight: 0, shadow: false },
    prod: await arm(q.prod, tally.prod),
    canary: await arm(q.canary, tally.canary),
    ...(pair.compared > 0 || (pairServing && routing.shadow)
      ? { comparisons: { compared: pair.compared, disagreed: pair.disagreed } }
      : {}),
    labels: pair.labels,
  });
}
