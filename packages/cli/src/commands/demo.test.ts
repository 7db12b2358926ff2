// The README's first command: the demo must tell the whole story and leave
// its evidence where it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore, RegistryService } from '@mlship/registry';
import { main } from '../main.ts';

// The whole lifecycle: validation's bootstraps, two rollouts of about a thousand
// labelled requests through the server, the emulator behind every call. About
// 15 s of CPU, minutes of wall time when the machine is shared.
test(
  "mlship demo: a failing push, a passing push, one sticky comment, v1.1.0 promoted by its canary, a bad hotfix rolled back, the server's log of prod monitored",
  { timeout: 480_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mlship-demo-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
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
    // It ends with production monitoring of the version the canary promoted, from what the server logged:
    // a calm window passes, a drifted one opens the issue and the retraining PR.
    assert.match(
      stdout,
      /7\. Production monitoring[^\n]*\n\s+window 1 \(calm\): 456 requests to penguins@v1\.1\.0 in the server's log, \d+ labels arrived → HEALTHY/,
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
    const drifted = JSON.parse(readFileSync(join(dir, 'monitor', 'window-2', 'monitor.json'), 'utf8'));
    assert.deepEqual(
      [drifted.data, drifted.version, drifted.rows, drifted.status],
      [join(dir, 'serve'), 'v1.1.0', 456, 'degraded'],
      "the drifted window is the server's log of the promoted version",
    );

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

    // The release rolls out through the reference server: prod v1.0.0 and v1.1.0 as the canary, judged step by step.
    const canary = stdout.slice(stdout.indexOf('5. Canary'), stdout.indexOf('6. A hotfix'));
    assert.match(canary, /start\s+started penguins v1\.1\.0: canary at 10% against prod v1\.0\.0/);
    assert.match(canary, /step 2\/3, canary at 50%[\s\S]*step 3\/3, canary at 100%/);
    assert.match(
      canary,
      /promoted penguins v1\.1\.0 to prod \(was v1\.0\.0\): every gate passed on \d+ labelled requests/,
    );
    assert.match(
      canary,
      /→ promoted after \d+ requests and \d+ labels; deployment \d+: in_progress → in_progress → in_progress → success/,
    );
    // The hotfix from the broken pipeline is judged worse than prod on its labels and rolled back, evidence posted.
    const hotfix = stdout.slice(stdout.indexOf('6. A hotfix'));
    assert.match(hotfix, /start\s+started penguins v1\.2\.0: canary at 10% against prod v1\.1\.0/);
    assert.match(hotfix, /rolled back penguins v1\.2\.0; prod stays v1\.1\.0: accuracy/);
    assert.match(
      hotfix,
      /→ rolled-back after \d+ requests and \d+ labels; deployment \d+: in_progress( → in_progress)* → failure/,
    );
    assert.match(hotfix, /the evidence is a comment on the release's commit/);

    const registry = new RegistryService(new LocalStore(join(dir, 'registry')), { actor: 'test' });
    const prod = await registry.resolve('penguins@prod');
    assert.equal(prod.version, 'v1.1.0');
    // Between rollouts nobody holds canary: the promoted version gave it up, the rolled-back one had it taken.
    await assert.rejects(registry.resolve('penguins@canary'), /has no version in stage 'canary'/);
    const history = await registry.history('penguins');
    const of = (version: string) =>
      history.filter((e) => e.version === version).map((e) => `${e.action} ${e.stage ?? ''}`.trim());
    assert.deepEqual(of('v1.1.0'), ['register', 'assign staging', 'assign canary', 'assign prod', 'unassign canary']);
    assert.deepEqual(of('v1.2.0'), ['register', 'assign canary', 'unassign canary']);
    const logs = readdirSync(join(dir, 'serve', 'predictions'));
    assert.ok(logs.length > 0, 'the server logged its predictions');
    assert.deepEqual(prod.manifest.assets.map((a) => a.role).sort(), ['card', 'data-profile', 'model']);
    assert.ok(existsSync(join(dir, 'push-2', 'validate', 'model-card.md')));
  },
);
