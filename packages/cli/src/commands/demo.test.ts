// The README's first command: the demo must tell the whole story and leave
// its evidence where it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, RegistryService } from '@mlship/registry';
import { main } from '../main.ts';

test('mlship demo: a failing push, a passing push, one sticky comment, v1.1.0 in prod', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlship-demo-'));
  let stdout = '';
  let stderr = '';
  const code = await main(['demo', '--dir', dir], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: process.cwd(),
    env: {},
  });
  assert.equal(code, 0, stderr);

  assert.match(
    stdout,
    /first push[^\n]*\n\s+→ data FAIL, model FAIL \(first failed gate: [^)]+\); PR comment (\d+) created/,
  );
  const created = /PR comment (\d+) created/.exec(stdout)![1];
  assert.match(stdout, new RegExp(`→ data PASS, model PASS; PR comment ${created} updated`));
  assert.match(stdout, /The pull request has 1 mlship comment/);
  assert.match(
    stdout,
    /attempt 1: preempted at epoch 200 \(the training command was killed by SIGKILL\); checkpoint mlship-checkpoint-penguins-bill-features-[0-9a-f]{16}-4242-1-\d+\n/,
  );
  assert.match(stdout, /attempt 2: restored the checkpoint, resumed from epoch 200, succeeded \(loss 0\.0\d+\)/);
  // It ends with production monitoring: a calm window passes, a drifted one opens the issue and the retraining PR.
  assert.match(
    stdout,
    /5\. Production monitoring\n\s+window 1 \(calm\): \d+ rows served by penguins@v1\.1\.0, \d+ labels arrived → HEALTHY/,
  );
  assert.match(
    stdout,
    /window 2 \(drifted[^\n]*→ DEGRADED\n\s+accuracy estimated from probabilities 0\.\d{3}, realised on the labelled rows 0\.\d{3}\n\s+trigger feature-drift: feature 'bill_length_mm' drifted/,
  );
  assert.match(
    stdout,
    /tracking issue #\d+ opened\n\s+retraining pull request #\d+ opened from mlship\/retrain\/penguins/,
  );
  assert.ok(!/unknown format/.test(stdout + stderr), 'the emulator knows every format of the description');

  const failing = readFileSync(join(dir, 'push-1', 'report.md'), 'utf8');
  assert.match(failing.split('\n')[0]!, /^## ❌ mlship · penguins/);
  // The validation section opens with its verdict, then the failed gates: the degraded model's accuracy floor
  // and the fairness gap, before anything inconclusive or passed.
  const validation = failing.slice(failing.indexOf('### ❌ Model validation'));
  assert.match(
    validation,
    /^### ❌ Model validation\n\n\*\*❌ fail\*\* — candidate `[^`]*degraded\.onnx` vs baseline `penguins@prod` \(penguins@\u200Bv1\.0\.0\) on 114 holdout rows [^\n]*\n\n\*\*Failed gates\*\*\n\n- ❌ \*\*accuracy ≥ 0\.85\*\*: Accuracy 0\.728 \\\[[\d.]+, [\d.]+\\\] is entirely below 0\.85\n- ❌ \*\*accuracy gap across sex ≤ 0\.15\*\*: [^\n]+\n\n\*\*Inconclusive gates\*\*\n/,
  );

  const comment = readFileSync(join(dir, 'pr-comment.md'), 'utf8');
  assert.match(comment, /^<!-- mlship:report key="penguins" -->\n## ✅ mlship · penguins/);
  assert.match(comment, /<summary>Model card<\/summary>/);
  assert.match(comment, /### ✅ Training · penguins\n\n\*\*Trained\*\* `penguins` in /);
  assert.match(comment, /\| `loss` \| 0\.0\d+ \| 400 \|/);
  assert.match(comment, /Resumed from `mlship-checkpoint-penguins-bill-features-[0-9a-f]{16}-4242-1-\d+`/);
  assert.ok(!comment.includes('`/'), 'the report shows workspace-relative paths, not absolute ones');

  const registry = new RegistryService(new LocalStore(join(dir, 'registry')), { actor: 'test' });
  const prod = await registry.resolve('penguins@prod');
  assert.equal(prod.version, 'v1.1.0');
  assert.deepEqual(prod.manifest.assets.map((a) => a.role).sort(), ['card', 'data-profile', 'model']);
  assert.ok(existsSync(join(dir, 'push-2', 'validate', 'model-card.md')));
});
