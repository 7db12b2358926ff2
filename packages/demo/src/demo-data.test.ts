import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDataTest } from '@mlship/data';
import { writeDemoData } from './demo-data.ts';

test('the demo data: clean incoming data passes, the broken batch fails on the units bug and the new island', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-demo-data-'));
  const files = await writeDemoData(dir);
  const common = {
    expectations: files.expectations,
    referenceProfile: files.referenceProfile,
    failOn: 'error' as const,
  };
  const clean = await runDataTest({ ...common, data: files.incoming, outputDir: join(dir, 'clean') });
  assert.equal(clean.outcome, 'pass', JSON.stringify(clean.expectations?.checks.filter((c) => !c.passed)));
  assert.equal(clean.drift?.driftedCount, 0);
  const broken = await runDataTest({ ...common, data: files.incomingBroken, outputDir: join(dir, 'broken') });
  assert.equal(broken.outcome, 'fail');
  const failed = broken.expectations!.checks.filter((c) => !c.passed).map((c) => c.id);
  assert.ok(failed.includes('columns.body_mass_g.between'));
  assert.ok(failed.includes('columns.island.inSet'));
  assert.ok(failed.includes('columns.body_mass_g.type'), 'kilograms are not whole grams');
  assert.deepEqual(
    broken.drift!.columns.filter((c) => c.drifted).map((c) => c.column),
    ['island', 'body_mass_g'],
  );
  assert.deepEqual(
    broken.drift!.columns.find((c) => c.column === 'island')!.newCategories.map((c) => c.value),
    ['Anvers'],
  );
});
