import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandTraffic } from './command-traffic.ts';

const EVIDENCE = {
  schemaVersion: 1,
  model: 'churn',
  since: '2026-03-01T10:00:00Z',
  asOf: '2026-03-01T11:00:00Z',
  routing: { canaryWeight: 5, shadow: false },
  prod: { version: 'v1.0.0', scored: 10, served: 10, errors: 0, latency: { boundsMs: [5], counts: [10, 0] } },
  canary: { version: 'v1.1.0', scored: 1, served: 1, errors: 0, latency: { boundsMs: [5], counts: [1, 0] } },
  labels: { received: 0, paired: {}, canary: {}, prod: {} },
};

test("the team's commands get the versions and weight in their environment, never in the command text", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-command-traffic-'));
  const adapter = commandTraffic({
    trafficCommand:
      'echo "$MLSHIP_MODEL $MLSHIP_PROD_VERSION $MLSHIP_CANARY_VERSION $MLSHIP_CANARY_WEIGHT $MLSHIP_SHADOW" > split.txt',
    evidenceCommand: `cat evidence.json; echo "$MLSHIP_SINCE" > since.txt`,
    cwd: dir,
    env: { PATH: process.env.PATH },
  });
  // A hostile-looking version cannot reach the shell as code.
  await adapter.setTraffic('churn', {
    prod: 'v1.0.0',
    canary: 'v1.1.0-rc.1+$(touch pwned)',
    canaryWeight: 25,
    shadow: true,
  });
  assert.equal(readFileSync(join(dir, 'split.txt'), 'utf8'), 'churn v1.0.0 v1.1.0-rc.1+$(touch pwned) 25 true\n');
  writeFileSync(join(dir, 'evidence.json'), JSON.stringify(EVIDENCE));
  const evidence = await adapter.evidence({
    model: 'churn',
    prod: 'v1.0.0',
    canary: 'v1.1.0',
    since: '2026-03-01T10:00:00Z',
  });
  assert.equal(evidence?.canary.version, 'v1.1.0');
  assert.equal(readFileSync(join(dir, 'since.txt'), 'utf8'), '2026-03-01T10:00:00Z\n');
});

test('a failing command fails the step with its last error line; bad evidence names the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-command-traffic-'));
  const failing = commandTraffic({
    trafficCommand: 'echo working; echo "error: inferenceservices \\"churn\\" not found" >&2; exit 3',
    cwd: dir,
    env: { PATH: process.env.PATH },
  });
  await assert.rejects(
    failing.setTraffic('churn', { prod: 'v1.0.0', canary: 'v1.1.0', canaryWeight: 5, shadow: false }),
    /^ServingError: traffic-command exited with 3: error: inferenceservices "churn" not found; the rollout is unchanged$/,
  );
  const bad = commandTraffic({
    trafficCommand: 'true',
    evidenceCommand: `echo '{"schemaVersion":1}'`,
    cwd: dir,
    env: { PATH: process.env.PATH },
  });
  await assert.rejects(
    bad.evidence({ model: 'churn', prod: 'v1.0.0', canary: 'v1.1.0', since: '2026-03-01T10:00:00Z' }),
    /evidence-command printed invalid evidence at model: /,
  );
  const none = commandTraffic({ trafficCommand: 'true', cwd: dir, env: {} });
  assert.equal(
    await none.evidence({ model: 'churn', prod: 'v1.0.0', canary: 'v1.1.0', since: '2026-03-01T10:00:00Z' }),
    undefined,
  );
});
