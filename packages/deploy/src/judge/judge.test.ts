import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Profile } from '@mlship/data';
import { profileRecords } from '../../test-kit/profile-records.ts';
import { parsePolicy } from '@mlship/eval';
import { judge, type JudgeInput } from './judge.ts';
import { planRollout, type RolloutPlan } from '../plan.ts';
import type { ArmEvidence, Evidence } from '../evidence.ts';
import type { Moments } from './moments.ts';
import { histogramQuantile } from './guardrails.ts';

const BOUNDS = [1, 2, 5, 10, 20, 50, 100];
const START = '2026-03-01T10:00:00Z';
const minutes = (m: number) => new Date(Date.parse(START) + m * 60_000);

function plan(
  policyYaml = 'canary:\n  guardrails: { prediction_drift: false, input_drift: false }\ngates:\n  - metric: accuracy\n    max_drop: 0.02\n',
): RolloutPlan {
  return planRollout(parsePolicy(policyYaml, 'policy.yml', 'classification'), {
    model: 'churn',
    version: 'v1.1.0',
    prodVersion: 'v1.0.0',
  });
}

function arm(version: string, scored: number, options: Partial<ArmEvidence> = {}): ArmEvidence {
  const counts = new Array(BOUNDS.length + 1).fill(0) as number[];
  counts[1] = scored; // every request between 1 and 2 ms
  return { version, scored, served: scored, errors: 0, latency: { boundsMs: BOUNDS, counts }, ...options };
}

/** Paired accuracy sums: n labelled pairs, canaryOnly / prodOnly right answers among them. */
function pairedAccuracy(n: number, prodRight: number, canaryOnly: number, prodOnly: number) {
  const m = (k: number): Moments => ({ n, sum: k, sumSquares: k });
  const canaryRight = prodRight - prodOnly + canaryOnly;
  return {
    prod: m(prodRight),
    canary: m(canaryRight),
    difference: { n, sum: canaryOnly - prodOnly, sumSquares: canaryOnly + prodOnly },
  };
}

function evidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    schemaVersion: 1,
    model: 'churn',
    since: START,
    asOf: minutes(60).toISOString(),
    routing: { canaryWeight: 5, shadow: true },
    prod: arm('v1.0.0', 4000),
    canary: { ...arm('v1.1.0', 4000), served: 400 },
    comparisons: { compared: 4000, disagreed: 400 },
    labels: { received: 0, paired: {}, canary: {}, prod: {} },
    ...overrides,
  };
}

function input(p: RolloutPlan, e: Evidence | undefined, overrides: Partial<JudgeInput> = {}): JudgeInput {
  return {
    plan: p,
    step: { index: 0, startedAt: START, canaryServedAtStart: 0 },
    rolloutStartedAt: START,
    now: minutes(60),
    evidence: e,
    ...overrides,
  };
}

test('no evidence holds the step; past the time limit the rollout is inconclusive, never promoted', () => {
  const p = plan();
  const held = judge(input(p, undefined));
  assert.equal(held.outcome, 'continue');
  assert.equal(held.advance, false);
  assert.match(held.reasons[0]!, /no evidence/);
  const late = judge(input(p, undefined, { now: minutes(72 * 60 + 1) }));
  assert.equal(late.outcome, 'inconclusive');
});

test('stale evidence, or evidence about other versions, never advances a step', () => {
  const p = plan();
  const stale = judge(input(p, evidence({ asOf: minutes(30).toISOString() })));
  assert.equal(stale.outcome, 'continue');
  assert.equal(stale.advance, false);
  assert.match(stale.reasons[0]!, /30 min old .*limit 15 min.*stale evidence never passes/);
  const other = judge(input(p, evidence({ canary: arm('v9.9.9', 4000) })));
  assert.equal(other.advance, false);
  assert.match(other.reasons[0]!, /canary v9\.9\.9, not churn prod v1\.0\.0 \/ canary v1\.1\.0/);
});

test('a step advances on requests and time only, while the labelled gates are undecided', () => {
  const p = plan();
  const early = judge(input(p, evidence(), { now: minutes(5) }));
  assert.equal(early.outcome, 'continue');
  assert.equal(early.advance, false, 'ten minutes have not passed');
  const met = judge(input(p, evidence()));
  assert.equal(met.outcome, 'continue');
  assert.equal(met.advance, true);
  assert.match(met.reasons[0]!, /step 1\/4 \(5%\): 400\/200 canary requests, 60\/10 min: met, next step/);
  const fewRequests = judge(input(p, evidence(), { step: { index: 0, startedAt: START, canaryServedAtStart: 300 } }));
  assert.equal(fewRequests.advance, false, '100 of the 200 requests since the step began');
});

test('an erroring canary is rolled back at the first step, within a handful of requests, without labels', () => {
  const p = plan();
  const broken = judge(
    input(p, evidence({ canary: { ...arm('v1.1.0', 8), errors: 8 }, asOf: minutes(1).toISOString() }), {
      now: minutes(1),
    }),
  );
  assert.equal(broken.outcome, 'rollback');
  assert.match(broken.reasons[0]!, /^error rate: canary 8\/8 failed vs prod 0\/4000/);
  const noise = judge(
    input(p, evidence({ canary: { ...arm('v1.1.0', 400), errors: 2 }, prod: { ...arm('v1.0.0', 4000), errors: 10 } })),
  );
  assert.equal(noise.outcome, 'continue', '0.5% vs 0.25% errors is within the allowed 1 point');
});

test('a slow canary is rolled back on the p99 latency guardrail', () => {
  const p = plan();
  const slowCounts = new Array(BOUNDS.length + 1).fill(0) as number[];
  slowCounts[5] = 40; // 20–50 ms against prod's 1–2 ms
  const slow = judge(
    input(p, evidence({ canary: { ...arm('v1.1.0', 40), latency: { boundsMs: BOUNDS, counts: slowCounts } } })),
  );
  assert.equal(slow.outcome, 'rollback');
  assert.match(slow.reasons[0]!, /^latency p99: canary p99 49\.\d ms \(prod 2\.0 ms\); limit 3\.0 ms/);
  assert.equal(histogramQuantile({ boundsMs: BOUNDS, counts: slowCounts }, 0.5), 35);
});

test('a canary that disagrees with prod on far more requests than allowed is rolled back', () => {
  const p = plan();
  const r = judge(input(p, evidence({ comparisons: { compared: 200, disagreed: 120 } })));
  assert.equal(r.outcome, 'rollback');
  assert.match(r.reasons[0]!, /disagreement: canary and prod answered 120 of 200 requests differently/);
});

test('labelled gates: a canary clearly worse than prod is rolled back, one as good is promoted at the last step', () => {
  const p = plan();
  const worse = judge(
    input(
      p,
      evidence({
        labels: { received: 3000, paired: { accuracy: pairedAccuracy(3000, 2700, 90, 210) }, canary: {}, prod: {} },
      }),
    ),
  );
  assert.equal(worse.outcome, 'rollback');
  assert.match(
    worse.reasons[0]!,
    /accuracy: drop ≤ 0\.02 vs prod: fails, canary − prod -0\.04 \[.*\] on 3000 paired labels/,
  );
  const good = { received: 3000, paired: { accuracy: pairedAccuracy(3000, 2700, 150, 150) }, canary: {}, prod: {} };
  const midway = judge(input(p, evidence({ labels: good })));
  assert.equal(midway.outcome, 'continue', 'gates pass but steps remain');
  assert.equal(midway.advance, true);
  const last = judge(
    input(p, evidence({ labels: good }), { step: { index: 3, startedAt: START, canaryServedAtStart: 0 } }),
  );
  assert.equal(last.outcome, 'promote');
  assert.match(last.reasons[0]!, /every gate passed on 3000 labelled requests and every guardrail held/);
});

test('too few labels leave the gate undecided; at the label limit the rollout is inconclusive', () => {
  const p = plan(
    'canary:\n  max_labels: 500\n  guardrails: { prediction_drift: false, input_drift: false }\ngates:\n  - metric: accuracy\n    max_drop: 0.02\n',
  );
  const few = judge(
    input(
      p,
      evidence({ labels: { received: 50, paired: { accuracy: pairedAccuracy(50, 45, 2, 2) }, canary: {}, prod: {} } }),
      { step: { index: 3, startedAt: START, canaryServedAtStart: 0 } },
    ),
  );
  assert.equal(few.outcome, 'continue');
  assert.match(few.reasons.join('\n'), /50 of the 100 labelled requests needed/);
  const limit = judge(
    input(
      p,
      evidence({
        labels: { received: 500, paired: { accuracy: pairedAccuracy(500, 450, 25, 30) }, canary: {}, prod: {} },
      }),
      { step: { index: 3, startedAt: START, canaryServedAtStart: 0 } },
    ),
  );
  assert.equal(limit.outcome, 'inconclusive');
  assert.match(limit.reasons[0]!, /no decision after 500 labelled requests \(limit 500\)/);
});

test("split traffic is judged unpaired, from each model's own labelled requests", () => {
  const p = plan();
  const m = (n: number, right: number): Moments => ({ n, sum: right, sumSquares: right });
  const r = judge(
    input(
      p,
      evidence({
        routing: { canaryWeight: 50, shadow: false },
        comparisons: undefined,
        labels: { received: 8000, paired: {}, canary: { accuracy: m(4000, 3200) }, prod: { accuracy: m(4000, 3600) } },
      }),
    ),
  );
  assert.equal(r.outcome, 'rollback');
  assert.equal(r.gates[0]?.mode, 'unpaired');
});

/** The profile of columns given as arrays of equal length. */
function profileOf(columns: Record<string, (number | string)[]>): Promise<Profile> {
  const names = Object.keys(columns);
  return profileRecords(
    columns[names[0]!]!.map((_, i) => Object.fromEntries(names.map((name) => [name, columns[name]![i]!]))),
  );
}

test("prediction drift and input drift are judged with the data tests' drift comparison", async () => {
  const p = plan('gates:\n  - metric: accuracy\n    max_drop: 0.02\n');
  const labels = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 'yes' : 'no'));
  const shifted = Array.from({ length: 600 }, (_, i) => (i % 10 === 0 ? 'no' : 'yes'));
  const tenure = Array.from({ length: 600 }, (_, i) => (i % 50) + 1);
  const [reference, labelled, drifted, inputs, older] = await Promise.all([
    profileOf({ tenure }),
    profileOf({ label: labels }),
    profileOf({ label: shifted }),
    profileOf({ tenure }),
    profileOf({ tenure: tenure.map((t) => t + 100) }),
  ]);
  const r = judge(
    input(
      p,
      evidence({
        prod: { ...arm('v1.0.0', 600), outputs: labelled },
        canary: { ...arm('v1.1.0', 600), outputs: drifted, inputs },
      }),
      { reference },
    ),
  );
  assert.equal(r.outcome, 'rollback');
  assert.match(
    r.reasons[0]!,
    /^prediction drift: the canary's label \(jensen-shannon [0-9.]+ ≥ 0\.1\) drifted from prod's/,
  );
  assert.equal(r.guardrails.find((g) => g.name === 'input drift')?.status, 'ok');
  const moved = judge(
    input(
      p,
      evidence({
        prod: { ...arm('v1.0.0', 600), outputs: labelled },
        canary: { ...arm('v1.1.0', 600), outputs: labelled, inputs: older },
      }),
      { reference },
    ),
  );
  assert.equal(moved.outcome, 'rollback');
  assert.match(
    moved.reasons[0]!,
    /^input drift: 1 of 1 input columns drifted from the version's training profile \(tenure\)/,
  );
});

test('a better model whose predictions shift is held while labels arrive, then promoted once the gates decide', async () => {
  const p = plan('canary:\n  guardrails: { input_drift: false }\ngates:\n  - metric: accuracy\n    max_drop: 0.02\n');
  // The better model says 'yes' far more often than prod: its prediction distribution moves.
  const [prodOutputs, canaryOutputs] = await Promise.all([
    profileOf({ label: Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 'yes' : 'no')) }),
    profileOf({ label: Array.from({ length: 600 }, (_, i) => (i % 10 === 0 ? 'no' : 'yes')) }),
  ]);
  const shifted = (labels: Evidence['labels']) =>
    evidence({
      prod: { ...arm('v1.0.0', 4000), outputs: prodOutputs },
      canary: { ...arm('v1.1.0', 4000), served: 400, outputs: canaryOutputs },
      labels,
    });
  const lastStep = { step: { index: 3, startedAt: START, canaryServedAtStart: 0 } };

  // 40 of the 100 labels a gate needs: the shift holds the step rather than rolling a possibly better model back.
  const early = { received: 40, paired: { accuracy: pairedAccuracy(40, 34, 4, 1) }, canary: {}, prod: {} };
  const held = judge(input(p, shifted(early)));
  assert.equal(held.outcome, 'continue');
  assert.equal(held.advance, false, 'a held guardrail keeps the canary at its weight');
  assert.equal(held.guardrails.find((g) => g.name === 'prediction drift')?.status, 'held');
  assert.match(
    held.reasons.join('\n'),
    /prediction drift: the canary's label \(jensen-shannon [0-9.]+ ≥ 0\.1\) drifted from prod's; held at this step until the labelled gates can decide \(40 of 100 labels\)/,
  );
  assert.equal(judge(input(p, shifted(early), lastStep)).outcome, 'continue', 'never promoted while held');

  // 3,000 pairs show it better than prod: quality decides, and the shift no longer counts against it.
  const better = { received: 3000, paired: { accuracy: pairedAccuracy(3000, 2700, 210, 90) }, canary: {}, prod: {} };
  const promoted = judge(input(p, shifted(better), lastStep));
  assert.equal(promoted.outcome, 'promote');
  const drift = promoted.guardrails.find((g) => g.name === 'prediction drift')!;
  assert.equal(drift.status, 'ok');
  assert.match(drift.detail, /drifted from prod's; the labelled gates decide \(3000 labels\)/);

  // The same shift with quality worse than prod is rolled back by the gate, not waved through.
  const worse = { received: 3000, paired: { accuracy: pairedAccuracy(3000, 2700, 90, 210) }, canary: {}, prod: {} };
  assert.equal(judge(input(p, shifted(worse), lastStep)).outcome, 'rollback');
});

test('a broken model whose predictions shift is rolled back at once while no label has arrived', async () => {
  const p = plan('canary:\n  guardrails: { input_drift: false }\ngates:\n  - metric: accuracy\n    max_drop: 0.02\n');
  const [prodOutputs, constant] = await Promise.all([
    profileOf({ label: Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 'yes' : 'no')) }),
    profileOf({ label: Array.from({ length: 60 }, () => 'yes') }),
  ]);
  const r = judge(
    input(
      p,
      evidence({
        prod: { ...arm('v1.0.0', 600), outputs: prodOutputs },
        canary: { ...arm('v1.1.0', 60), served: 60, outputs: constant },
      }),
    ),
  );
  assert.equal(r.outcome, 'rollback');
  assert.equal(r.counts.labels, 0);
  assert.match(
    r.reasons[0]!,
    /^prediction drift: the canary's label \(jensen-shannon [0-9.]+ ≥ 0\.1\) drifted from prod's$/,
  );
});

test('without output profiles the prediction drift guardrail is unmeasured, and an unmeasured guardrail never promotes', () => {
  const p = plan('canary:\n  guardrails: { input_drift: false }\ngates:\n  - metric: accuracy\n    max_drop: 0.02\n');
  const good = { received: 3000, paired: { accuracy: pairedAccuracy(3000, 2700, 150, 150) }, canary: {}, prod: {} };
  const r = judge(
    input(p, evidence({ labels: good }), { step: { index: 3, startedAt: START, canaryServedAtStart: 0 } }),
  );
  assert.equal(r.outcome, 'continue');
  assert.match(r.reasons.join('\n'), /prediction drift: the evidence has no output profiles/);
});

test('the judge is deterministic: the same inputs give the same judgement', () => {
  const p = plan();
  const e = evidence({
    labels: { received: 3000, paired: { accuracy: pairedAccuracy(3000, 2700, 140, 160) }, canary: {}, prod: {} },
  });
  assert.deepEqual(judge(input(p, e)), judge(input(p, structuredClone(e))));
});
