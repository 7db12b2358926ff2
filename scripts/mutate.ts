// Mutation testing of the decision modules with Stryker: each module's source
// files are mutated one small change at a time and its own unit tests run
// against every mutant; a mutant the tests do not notice is a bug they would
// not catch. `npm run mutate [module…]`, where a module is a name below or a
// prefix of names (`eval`, `eval/gates`). Prints the score per module and
// overall; the HTML and JSON reports land in reports/mutation/.
//
// Stryker has no runner for node:test, so its command runner starts
// `node --test` once per mutant (in one process, not one per test file);
// that is why each module runs only its own test files, one mutant at a time
// (this machine's cores are shared), and why the data tests over 1 to 3 million
// flights are skipped here. Stryker links every node_modules of the workspace into its sandbox, so
// the tests resolve packages as they do in the checkout.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Stryker } from '@stryker-mutator/core';

type MutantResult = Awaited<ReturnType<Stryker['runMutationTest']>>[number];

interface MutationModule {
  /** Files whose mutants this module's tests must kill. */
  mutate: string[];
  /** The unit tests of those files. */
  tests: string[];
  /**
   * Fast tests of the same files (no data files, no engine), run first: the
   * slower `tests` run only for a mutant these do not kill, so most mutants
   * cost a fraction of a second and the score is the same.
   */
  pins?: string[];
  /** Tests skipped in mutation runs (by name), each far slower than the rest together. */
  skip?: string;
}

const evalSrc = (f: string) => `packages/eval/src/${f}`;
const registryRules = ['tag-grammar', 'model-reference', 'git-ref', 'stage-policy', 'registry-state'];
const MODULES: Record<string, MutationModule> = {
  'eval/metrics': {
    mutate: ['classification-metrics.ts', 'ranking-metrics.ts', 'regression-metrics.ts'].map(evalSrc),
    tests: [evalSrc('metrics.test.ts')],
  },
  'eval/bootstrap': { mutate: [evalSrc('bootstrap.ts')], tests: [evalSrc('statistics.test.ts')] },
  'eval/gates': { mutate: [evalSrc('gates.ts')], tests: [evalSrc('gates.test.ts')] },
  'eval/policy': { mutate: [evalSrc('policy.ts')], tests: [evalSrc('policy.test.ts')] },
  'eval/multiple-testing': {
    mutate: [evalSrc('multiple-testing.ts'), evalSrc('mcnemar.ts')],
    tests: [evalSrc('statistics.test.ts')],
  },
  'eval/slices': { mutate: [evalSrc('slices.ts')], tests: [evalSrc('slices.test.ts')] },
  'data/drift': {
    mutate: ['packages/data/src/drift/drift-statistics.ts', 'packages/data/src/drift/compare-profiles.ts'],
    pins: ['packages/data/src/drift/drift-boundaries.test.ts'],
    tests: ['packages/data/src/drift/drift-statistics.test.ts', 'packages/data/src/drift/compare-profiles.test.ts'],
    skip: '^(false alarms: disjoint random halves of 1.09M flights|no change at 1.5M rows|a shift drifts in the shifted columns only|new and vanished categories of flights)',
  },
  'data/expectations': {
    mutate: ['packages/data/src/expect/expectation-checker.ts', 'packages/data/src/expect/row-checks.ts'],
    pins: ['packages/data/src/expect/expectation-boundaries.test.ts'],
    tests: ['packages/data/src/expect/expectation-checker.test.ts'],
  },
  'registry/rules': {
    mutate: registryRules.map((f) => `packages/registry/src/${f}.ts`),
    tests: registryRules.map((f) => `packages/registry/src/${f}.test.ts`),
  },
  'pr-comment/sticky': {
    mutate: ['sticky-comment', 'sticky-marker'].map((f) => `packages/pr-comment/src/${f}.ts`),
    tests: ['sticky-comment', 'sticky-marker'].map((f) => `packages/pr-comment/src/${f}.test.ts`),
  },
  'report/truncate': {
    mutate: ['packages/report/src/truncate.ts'],
    tests: ['packages/report/src/truncate.test.ts'],
  },
};

/** Stryker's score: detected (killed or timed out) over all valid mutants; disabled ones are left out. */
interface Tally {
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  errors: number;
  ignored: number;
}

function tally(results: readonly MutantResult[]): Tally {
  const t: Tally = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, errors: 0, ignored: 0 };
  for (const r of results) {
    if (r.status === 'Killed') t.killed++;
    else if (r.status === 'Survived') t.survived++;
    else if (r.status === 'NoCoverage') t.noCoverage++;
    else if (r.status === 'Timeout') t.timeout++;
    else if (r.status === 'Ignored') t.ignored++;
    else t.errors++;
  }
  return t;
}

function score(t: Tally): number {
  const detected = t.killed + t.timeout;
  const valid = detected + t.survived + t.noCoverage;
  return valid === 0 ? Number.NaN : (100 * detected) / valid;
}

function selected(args: readonly string[]): string[] {
  if (args.length === 0) return Object.keys(MODULES);
  const names = args.flatMap((a) => Object.keys(MODULES).filter((m) => m === a || m.startsWith(`${a}/`)));
  const unknown = args.filter((a) => !Object.keys(MODULES).some((m) => m === a || m.startsWith(`${a}/`)));
  if (unknown.length) {
    console.error(
      `mutate: unknown module ${unknown.map((u) => `'${u}'`).join(', ')}; modules: ${Object.keys(MODULES).join(', ')}`,
    );
    process.exit(2);
  }
  return [...new Set(names)];
}

const root = join(import.meta.dirname, '..');
process.chdir(root);
// Every mutant run loads the same instrumented sources and dependencies: V8's code cache saves about a third of it.
process.env.NODE_COMPILE_CACHE ??= join(root, 'node_modules', '.cache', 'mutate-compile-cache');
const rows: [string, Tally][] = [];
for (const name of selected(process.argv.slice(2))) {
  const module = MODULES[name]!;
  const file = name.replace('/', '-');
  const nodeTest = [JSON.stringify(process.execPath), '--test', '--test-isolation=none'];
  const command = [
    ...(module.pins ? [[...nodeTest, ...module.pins].join(' ')] : []),
    [...nodeTest, ...(module.skip ? [`--test-skip-pattern=${JSON.stringify(module.skip)}`] : []), ...module.tests].join(
      ' ',
    ),
  ].join(' && ');
  const tests = [...(module.pins ?? []), ...module.tests];
  console.log(`\n== ${name}: ${module.mutate.join(', ')}\n   tests: ${tests.join(', ')}`);
  const stryker = new Stryker({
    testRunner: 'command',
    commandRunner: { command },
    mutate: module.mutate,
    coverageAnalysis: 'off',
    concurrency: 1,
    // The sandbox needs the workspace's packages, not its actions, tools or docs.
    ignorePatterns: ['/*', '!/packages', '!/package.json', '!/tsconfig.json'],
    // One sandbox folder per module, so two modules can run at once (in two shells).
    tempDirName: `.stryker-tmp/${file}`,
    plugins: [],
    // The event recorder writes each mutant's result as it is tested (onMutantTested files), so a
    // long run's survivors can be read before it ends.
    reporters: [
      'clear-text',
      'html',
      'json',
      'event-recorder',
      process.stdout.isTTY ? 'progress' : 'progress-append-only',
    ],
    eventReporter: { baseDir: `reports/mutation/events/${file}` },
    htmlReporter: { fileName: `reports/mutation/${file}.html` },
    jsonReporter: { fileName: `reports/mutation/${file}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    thresholds: { high: 85, low: 70, break: null },
    timeoutMS: 10_000,
    cleanTempDir: true,
  });
  rows.push([name, tally(await stryker.runMutationTest())]);
  rmSync(join(root, '.stryker-tmp', file), { recursive: true, force: true });
}

const total = rows.reduce<Tally>(
  (a, [, t]) => ({
    killed: a.killed + t.killed,
    survived: a.survived + t.survived,
    noCoverage: a.noCoverage + t.noCoverage,
    timeout: a.timeout + t.timeout,
    errors: a.errors + t.errors,
    ignored: a.ignored + t.ignored,
  }),
  { killed: 0, survived: 0, noCoverage: 0, timeout: 0, errors: 0, ignored: 0 },
);
const line = (name: string, t: Tally) =>
  `${name.padEnd(24)} ${score(t).toFixed(1).padStart(6)}% ${String(t.killed).padStart(7)} ${String(t.timeout).padStart(8)} ${String(t.survived).padStart(9)} ${String(t.noCoverage).padStart(8)} ${String(t.ignored).padStart(9)} ${String(t.errors).padStart(7)}`;
console.log(
  `\n${'module'.padEnd(24)} ${'score'.padStart(7)} ${'killed'.padStart(7)} ${'timeout'.padStart(8)} ${'survived'.padStart(9)} ${'no cov'.padStart(8)} ${'disabled'.padStart(9)} ${'errors'.padStart(7)}`,
);
for (const [name, t] of rows) console.log(line(name, t));
if (rows.length > 1) console.log(line('overall', total));
console.log('\nreports: reports/mutation/<module>.html');
