// The rollout controller's own HTTP adapter (@mlship/deploy) against the real
// server: it sets the split and reads evidence the judge accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceServerTraffic } from '@mlship/deploy';
import { CANARY_MODEL, PROD_MODEL, inferBody, serveFixture } from '../test-kit/serve-fixture.ts';

test("the controller's reference-server adapter sets the split and reads paired evidence", async () => {
  const f = await serveFixture({ prod: PROD_MODEL(), canary: CANARY_MODEL() }, { adminToken: 'rollout-token' });
  try {
    const adapter = referenceServerTraffic(f.server.url, { token: 'rollout-token', attempts: 1 });
    const { prod, canary } = f.server.traffic.state();
    const since = new Date(Date.now() - 1000).toISOString();
    await adapter.setTraffic('penguins', { prod, canary, canaryWeight: 25, shadow: true });
    for (let i = 0; i < 200; i++) {
      const bill = 30 + (i % 30);
      const flipper = 170 + (i % 60);
      await f.post('/v2/models/penguins/infer', inferBody([[bill, flipper]], { id: `q${i}` }), {
        'mlship-routing-key': `user-${i}`,
      });
      // The truth: 'big' past 245 in all (a model between the two).
      await f.post(
        '/v2/mlship/models/penguins/feedback',
        { id: `q${i}`, label: bill + flipper > 245 ? 'big' : 'small' },
        {
          authorization: 'Bearer rollout-token',
        },
      );
    }
    const evidence = await adapter.evidence({ model: 'penguins', prod, canary: canary!, since });
    assert.ok(evidence);
    assert.equal(evidence.routing.canaryWeight, 25);
    assert.equal(evidence.prod.scored, 200);
    assert.equal(evidence.canary.scored, 200);
    assert.equal(evidence.prod.served + evidence.canary.served, 200);
    // 200 keys at 25%: the canary's share is within 4 standard errors of a quarter.
    assert.ok(Math.abs(evidence.canary.served / 200 - 0.25) < 4 * Math.sqrt((0.25 * 0.75) / 200));
    assert.equal(evidence.labels.received, 200);
    assert.equal(evidence.labels.paired.accuracy?.difference.n, 200);
    assert.equal(evidence.comparisons?.compared, 200);
  } finally {
    await f.close();
  }
});
