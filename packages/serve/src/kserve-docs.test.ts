// docs/serve.md's KServe path works as written: its traffic command sends the
// patch the docs show, and the InferenceService, before and after each patch,
// fits the schema of KServe's published CRD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');
const docs = await readFile(join(root, 'docs', 'serve.md'), 'utf8');
const schema = parse(
  await readFile(join(import.meta.dirname, '..', 'test-data', 'kserve-inferenceservice.schema.yaml'), 'utf8'),
) as object;
const validate = new Ajv({ strict: false }).compile(schema);

/** The fenced block after `<!-- marker -->` in docs/serve.md. */
function block(marker: string): string {
  const match = new RegExp(`<!-- ${marker} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(docs);
  assert.ok(match, `docs/serve.md has no block after <!-- ${marker} -->`);
  return match[1]!;
}

/** A JSON merge patch (RFC 7386), as `kubectl patch --type merge` applies it. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function assertFits(manifest: unknown, what: string): void {
  assert.ok(validate(manifest), `${what}: ${JSON.stringify(validate.errors)}`);
}

/** Runs the documented command with a kubectl that records its arguments. */
async function runTrafficCommand(vars: Record<string, string>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mlship-kserve-'));
  try {
    await writeFile(join(dir, 'kserve-traffic.sh'), block('kserve-traffic-command'));
    await writeFile(join(dir, 'kubectl'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${join(dir, 'argv')}"\n`);
    await chmod(join(dir, 'kubectl'), 0o755);
    await new Promise<void>((resolve, reject) =>
      execFile(
        'bash',
        [join(dir, 'kserve-traffic.sh')],
        { env: { PATH: `${dir}:${process.env.PATH}`, MODEL_STORE: 's3://models', ...vars }, timeout: 10_000 },
        (error, _out, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve()),
      ),
    );
    return (await readFile(join(dir, 'argv'), 'utf8')).trimEnd().split('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const manifest = parse(block('kserve-inferenceservice'));
const rollout = { MLSHIP_MODEL: 'penguins', MLSHIP_PROD_VERSION: 'v1.0.0', MLSHIP_SHADOW: 'true' };

test("the documented InferenceService fits KServe's CRD schema", () => {
  assertFits(manifest, 'the manifest');
  // The check can fail: a misspelt field is pruned by the API server without a word.
  assert.equal(validate(mergePatch(manifest, { spec: { predictor: { canaryTrafficPercentage: 5 } } })), false);
});

test('the traffic command sends the documented patch for a canary at 25%', async () => {
  const argv = await runTrafficCommand({ ...rollout, MLSHIP_CANARY_VERSION: 'v1.1.0', MLSHIP_CANARY_WEIGHT: '25' });
  assert.deepEqual(argv.slice(0, 6), ['patch', 'inferenceservice', 'penguins', '--type', 'merge', '--patch']);
  assert.deepEqual(JSON.parse(argv[6]!), JSON.parse(block('kserve-patch')));
  assertFits(mergePatch(manifest, JSON.parse(argv[6]!)), 'the manifest after the canary patch');
});

test('every step of a rollout patches into a valid InferenceService: shadow-only start, a fractional step, promotion', async () => {
  const steps: [Record<string, string>, number, string][] = [
    [{ MLSHIP_CANARY_VERSION: 'v1.1.0', MLSHIP_CANARY_WEIGHT: '0' }, 0, 'v1.1.0'],
    [{ MLSHIP_CANARY_VERSION: 'v1.1.0', MLSHIP_CANARY_WEIGHT: '33.4' }, 33, 'v1.1.0'],
    // Promoted: v1.1.0 is prod and there is no canary; it takes all traffic.
    [{ MLSHIP_PROD_VERSION: 'v1.1.0', MLSHIP_CANARY_VERSION: '', MLSHIP_CANARY_WEIGHT: '0' }, 100, 'v1.1.0'],
  ];
  for (const [vars, percent, version] of steps) {
    const patch = JSON.parse((await runTrafficCommand({ ...rollout, ...vars }))[6]!);
    assert.deepEqual(patch, {
      spec: { predictor: { canaryTrafficPercent: percent, model: { storageUri: `s3://models/penguins/${version}` } } },
    });
    assertFits(mergePatch(manifest, patch), JSON.stringify(vars));
  }
});
