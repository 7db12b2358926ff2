// How the controller reaches a serving system: it sets the traffic split and
// reads the evidence. Three adapters share this interface: the reference
// server and any HTTP service speaking the same API (http-traffic.ts), and a
// team's own commands (command-traffic.ts), e.g. a `kubectl patch` of a KServe
// InferenceService's canaryTrafficPercent.
import { UserError } from '@mlship/errors';
import type { Evidence, TrafficRequest } from '../evidence.ts';

export interface EvidenceQuery {
  model: string;
  prod: string;
  canary: string;
  /** The rollout's start: nothing scored before counts. */
  since: string;
}

export interface TrafficAdapter {
  /** What traffic goes through, for messages: "the server at http://…", "traffic-command". */
  readonly description: string;
  setTraffic(model: string, request: TrafficRequest): Promise<void>;
  /** The evidence for this pair of versions, or undefined when the adapter has no evidence source. */
  evidence(query: EvidenceQuery): Promise<Evidence | undefined>;
}

/** The serving system did not answer, or answered with an error: the rollout is left as it was. */
export class ServingError extends UserError {
  override readonly name: string = 'ServingError';
}
