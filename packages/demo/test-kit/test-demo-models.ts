// The demo's models and policy as tests use them: fewer bootstrap replicates
// (the intervals stay wide enough for the demo's verdicts), and a latency
// budget no contended runner can miss. A test asserts verdicts, not how busy the
// machine was; the latency gate itself is tested on given timings in
// packages/eval/src/gates.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { writeDemoModels, type DemoFiles } from '../src/index.ts';

export async function writeTestDemoModels(outDir: string): Promise<DemoFiles> {
  const demo = await writeDemoModels(outDir);
  const policy = readFileSync(demo.policy, 'utf8');
  const quick = policy
    .replace('replicates: 1000', 'replicates: 200')
    .replace('latency_p95_ms: 50', 'latency_p95_ms: 60000');
  if (quick === policy) throw new Error(`${demo.policy}: the demo policy changed; update the test kit`);
  writeFileSync(demo.policy, quick);
  return demo;
}
