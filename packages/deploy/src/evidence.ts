// The contract between the rollout controller and a serving runtime: how the
// controller sets the traffic split, and the evidence a runtime reports for a
// pair of versions. `mlship serve` implements it over HTTP; a team's own
// script (the command adapter) prints the same JSON. Versioned: a runtime
// answering another schemaVersion is refused with a message, never guessed.
import { z } from 'zod';
import { ProfileSchema } from '@mlship/data';
import { PER_REQUEST_METRICS } from '@mlship/eval';
import { MomentsSchema } from './judge/moments.ts';

export const EVIDENCE_SCHEMA_VERSION = 1;

const Weight = z.number().min(0).max(100);
const Count = z.number().int().min(0);
const Timestamp = z.iso.datetime({ offset: true });

/** What the controller asks of the runtime: `PUT {server}/v2/mlship/models/{model}/traffic`. */
export const TrafficRequestSchema = z.strictObject({
  /** The version answering the share of requests the canary does not. */
  prod: z.string().min(1),
  /** The canary version, or null for prod alone. */
  canary: z.string().min(1).nullable(),
  /** Percent of requests answered by the canary (0 with a canary: shadow only). */
  canaryWeight: Weight,
  /** Both models score every request; the canary's answer is served for its share. */
  shadow: z.boolean(),
});
export type TrafficRequest = z.infer<typeof TrafficRequestSchema>;

/** The runtime's answer to a traffic request: the routing now in force. */
export const TrafficStateSchema = TrafficRequestSchema.extend({
  model: z.string().min(1),
  /** When this routing took effect. */
  since: Timestamp,
});
export type TrafficState = z.infer<typeof TrafficStateSchema>;

/**
 * Request latencies as a histogram with fixed bucket bounds (Prometheus'
 * `le`), so hours and replicas add up: counts are per bucket, not
 * cumulative, with one open bucket past the last bound.
 */
export const LatencyHistogramSchema = z
  .strictObject({
    boundsMs: z.array(z.number().positive()).min(1),
    counts: z.array(Count),
  })
  .refine((h) => h.counts.length === h.boundsMs.length + 1, {
    error: 'counts holds one entry per bound plus the open last bucket',
  })
  .refine((h) => h.boundsMs.every((b, i) => i === 0 || b > h.boundsMs[i - 1]!), {
    error: 'boundsMs must increase',
  });
export type LatencyHistogram = z.infer<typeof LatencyHistogramSchema>;

export const ArmEvidenceSchema = z.strictObject({
  version: z.string().min(1),
  /** Requests this model scored, served or in shadow. */
  scored: Count,
  /** Requests whose answer came from this model. */
  served: Count,
  /** Scored requests that failed (inference error, timeout, malformed output). */
  errors: Count,
  latency: LatencyHistogramSchema,
  /** Profile of the inputs this model scored (the data tests' profile format). */
  inputs: ProfileSchema.optional(),
  /** Profile of this model's outputs: one column per output (label, probabilities, value). */
  outputs: ProfileSchema.optional(),
});
export type ArmEvidence = z.infer<typeof ArmEvidenceSchema>;

const Metric = z.enum(PER_REQUEST_METRICS);
const PairedMomentsSchema = z.strictObject({
  prod: MomentsSchema,
  canary: MomentsSchema,
  difference: MomentsSchema,
});

/** `GET {server}/v2/mlship/models/{model}/evidence?prod=V&canary=V&since=ISO`. */
export const EvidenceSchema = z.strictObject({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  model: z.string().min(1),
  /** The window starts here: nothing scored earlier is counted. */
  since: Timestamp,
  /** When the runtime computed this evidence (its clock). */
  asOf: Timestamp,
  routing: z.strictObject({ canaryWeight: Weight, shadow: z.boolean() }),
  prod: ArmEvidenceSchema,
  canary: ArmEvidenceSchema,
  /** Requests both models scored (shadow mode), and how many of them they answered differently. */
  comparisons: z.strictObject({ compared: Count, disagreed: Count }).optional(),
  labels: z.strictObject({
    /** Labels matched to a scored request. */
    received: Count,
    /** Per metric, over labelled requests both models scored: their sums and canary − prod per request. */
    paired: z.partialRecord(Metric, PairedMomentsSchema),
    /** Per metric, over labelled requests only the canary scored. */
    canary: z.partialRecord(Metric, MomentsSchema),
    /** Per metric, over labelled requests only prod scored. */
    prod: z.partialRecord(Metric, MomentsSchema),
  }),
});
export type Evidence = z.infer<typeof EvidenceSchema>;
