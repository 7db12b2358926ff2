// Faults at every write of a publish and a promotion: after the failure the
// registry shows the operation fully or not at all, and a re-run completes it
// exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEmulator,
  type Fault,
  type FaultRule,
  type GitHubEmulator,
  type RepoHandle,
} from '@mlship/github-emulator';
import { createGitHubClient, type GitHubClient } from '@mlship/github';
import { readOnnxSignature } from '@mlship/onnx';
import { GitHubStore } from './github-store.ts';
import { RegistryService, type RegistryContext } from './registry-service.ts';
import { gtoTags, gtoView } from '../test-kit/gto-reading.ts';
import { modelFiles } from '../test-kit/registry-behaviour.ts';
import type { PublishFile } from './registry-service.ts';

interface World {
  gh: GitHubEmulator;
  repo: RepoHandle;
  commit: string;
  registry(client?: GitHubClient, ctx?: Partial<RegistryContext>): RegistryService;
  /**
   * A client whose k-th write (1-based) meets `fault`, and `then` from that write on;
   * no retries, so every fault surfaces.
   */
  faultyClient(k: number, fault: Fault, then?: FaultRule): GitHubClient;
  writes(): number;
}

async function world(): Promise<World> {
  const gh = await startEmulator();
  const repo = gh.createRepo({ owner: 'octo-org', name: 'models', defaultBranch: 'main', immutableReleases: true });
  const commit = gh.createCommit(repo, { branch: 'main', message: 'Train' });
  const token = gh.createToken({ login: 'alice', permissions: { contents: 'write', metadata: 'read' } });
  const client = (): GitHubClient => createGitHubClient({ token, baseUrl: gh.apiUrl, throttle: false });
  let writes = 0;
  return {
    gh,
    repo,
    commit,
    registry: (c = client(), ctx = {}) =>
      new RegistryService(new GitHubStore({ client: c, owner: repo.owner, repo: repo.name }), {
        actor: 'alice',
        readSignature: readOnnxSignature,
        sleep: async () => {},
        ...ctx,
      }),
    faultyClient: (k, fault, then) => {
      const c = client();
      writes = 0;
      c.hook.before('request', (options) => {
        (options.request as { retries?: number }).retries = 0;
        // GraphQL queries are POSTs that write nothing.
        if (options.method === 'GET' || String(options.url).endsWith('/graphql')) return;
        if (++writes !== k) return;
        gh.inject({ method: options.method, fault });
        if (then) gh.inject(then);
      });
      return c;
    },
    writes: () => writes,
  };
}

// A write that was applied but whose answer was lost is the hard case, so every
// write meets it; the faults that stop a write before it applies take turns.
const APPLIED_FAULT: [string, Fault] = ['dropped after the write', { drop: 'after' }];
const REFUSED_FAULTS: [string, Fault][] = [
  ['500', { status: 500 }],
  ['dropped before the write', { drop: 'before' }],
  ['secondary rate limit', { rateLimit: 'secondary', retryAfterSeconds: 1 }],
  ['primary rate limit', { rateLimit: 'primary' }],
];
const faultsFor = (k: number): [string, Fault][] => [APPLIED_FAULT, REFUSED_FAULTS[k % REFUSED_FAULTS.length]!];

async function assertPublishAllOrNothing(w: World, files: PublishFile[]): Promise<'complete' | 'absent'> {
  const reg = w.registry();
  const listed = await reg.list('churn').then(
    (l) => l[0]!.versions,
    () => [] as string[],
  );
  const release = w.gh.state.repos
    .get('octo-org/models')!
    .releases.find((r) => r.tagName === 'churn@v1.0.0' && !r.draft);
  if (release)
    assert.deepEqual(
      release.assets.map((a) => a.name).sort(),
      ['card.md', 'manifest.json', 'metrics.json', 'model.onnx'],
      'a published release has every asset',
    );
  if (listed.length === 0) return 'absent';
  assert.deepEqual(listed, ['v1.0.0']);
  assert.ok(release, 'a registered version has a published release');
  const resolved = await reg.resolve('churn@v1.0.0');
  assert.equal(resolved.manifest.assets.length, files.length);
  return 'complete';
}

// A fresh emulator world per (write, fault) pair: tens of publishes, 30 s on an
// idle machine and past the suite's 2-minute default when the machine is shared.
test(
  'publish under a fault at each write: all or nothing, and a re-run completes it once',
  { timeout: 600_000 },
  async () => {
    const files = await modelFiles(1);
    const clean = await world();
    await clean
      .registry(clean.faultyClient(0, { status: 500 }))
      .publish({ name: 'churn', version: 'v1.0.0', files, commit: clean.commit });
    const writes = clean.writes();
    await clean.gh.stop();
    assert.ok(writes >= 8, `a publish makes ${writes} writes`);

    for (let k = 1; k <= writes; k++) {
      for (const [label, fault] of faultsFor(k)) {
        const w = await world();
        try {
          const failed = await w
            .registry(w.faultyClient(k, fault))
            .publish({ name: 'churn', version: 'v1.0.0', files, commit: w.commit })
            .then(
              () => false,
              () => true,
            );
          const after = await assertPublishAllOrNothing(w, files);
          if (!failed) assert.equal(after, 'complete', `write ${k}, ${label}: success means complete`);
          const rerun = await w.registry().publish({ name: 'churn', version: 'v1.0.0', files, commit: w.commit });
          assert.equal(rerun.version, 'v1.0.0');
          assert.equal(await assertPublishAllOrNothing(w, files), 'complete');
          const history = await w.registry().history('churn');
          assert.deepEqual(
            history.map((e) => e.tag),
            ['churn@v1.0.0'],
            `write ${k}, ${label}: one registration`,
          );
          const published = w.gh.state.repos.get('octo-org/models')!.releases.filter((r) => !r.draft);
          assert.equal(published.length, 1, `write ${k}, ${label}: one published release`);
          const drafts = w.gh.state.repos.get('octo-org/models')!.releases.filter((r) => r.draft);
          assert.equal(drafts.length, 0, `write ${k}, ${label}: no draft left behind`);
          assert.deepEqual(w.gh.violations, []);
        } finally {
          await w.gh.stop();
        }
      }
    }
  },
);

test(
  'promotion under a fault at each write: all or nothing, a re-run completes it once, GTO tag repaired',
  { timeout: 600_000 },
  async () => {
    for (let k = 1; k <= 4; k++) {
      for (const [label, fault] of [APPLIED_FAULT, ...REFUSED_FAULTS.filter((_, i) => i % 4 === k - 1)]) {
        const w = await world();
        try {
          const setup = w.registry();
          await setup.publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: w.commit });
          await setup.publish({ name: 'churn', version: 'v1.1.0', files: await modelFiles(2), commit: w.commit });
          await setup.promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });

          await w
            .registry(w.faultyClient(k, fault))
            .promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' })
            .catch(() => undefined);
          const reg = w.registry();
          const assigned = (await reg.history('churn')).filter((e) => e.action === 'assign' && e.version === 'v1.1.0');
          assert.ok(assigned.length <= 1, `write ${k}, ${label}: at most one assignment`);
          assert.equal(
            (await reg.resolve('churn@prod')).version,
            assigned.length ? 'v1.1.0' : 'v1.0.0',
            `write ${k}, ${label}: prod agrees with history`,
          );

          await reg.promote({ name: 'churn', version: 'v1.1.0', stage: 'prod' });
          const history = await reg.history('churn');
          assert.deepEqual(
            history.map((e) => e.tag),
            ['churn@v1.0.0', 'churn@v1.1.0', 'churn#prod#3', 'churn#prod#4'],
            `write ${k}, ${label}`,
          );
          const refs = w.gh.state.repos.get('octo-org/models')!.refs;
          assert.ok(refs.has('refs/tags/churn#prod#4'), `write ${k}, ${label}: the GTO tag exists after the re-run`);
          assert.equal((await reg.resolve('churn@prod')).version, 'v1.1.0');
          assert.deepEqual(w.gh.violations, []);
        } finally {
          await w.gh.stop();
        }
      }
    }
  },
);

test('a rollback that fails at any write after its event is written is finished by the re-run, never made twice', async () => {
  // Writes of a rollback: 1 tag object, 2 event ref, 3 GTO tag, 4 head move.
  const cases: [string, number, Fault, FaultRule?][] = [
    ['head move refused', 4, { status: 500 }],
    ['head move answer lost', 4, { drop: 'after' }],
    ['GTO tag refused', 3, { status: 502 }],
    [
      'GTO tag answer lost, and reading it back fails',
      3,
      { drop: 'after' },
      { method: 'GET', path: /\/git\/ref\/tags%2F/, fault: { status: 500 } },
    ],
    // The answer to the event ref is lost and reading it back fails too.
    [
      'event ref answer lost',
      2,
      { drop: 'after' },
      { method: 'GET', path: /\/git\/ref\/mlship%2Fevents%2F/, fault: { status: 503 } },
    ],
  ];
  for (const [label, k, fault, then] of cases) {
    const w = await world();
    try {
      const setup = w.registry();
      for (const [i, v] of ['v1.0.0', 'v1.1.0', 'v1.2.0'].entries()) {
        await setup.publish({ name: 'churn', version: v, files: await modelFiles(i + 1), commit: w.commit });
        await setup.promote({ name: 'churn', version: v, stage: 'prod' });
      }
      const run = { operationId: 'run 3141 job rollback' };
      await assert.rejects(
        w.registry(w.faultyClient(k, fault, then)).rollback({ name: 'churn', stage: 'prod', ...run }),
        /re-run the job/,
        label,
      );
      assert.equal(w.gh.requests.filter((r) => r.fault).length, then ? 2 : 1, `${label}: the faults were met`);
      const rerun = await w.registry().rollback({ name: 'churn', stage: 'prod', ...run });
      assert.deepEqual([rerun.previousVersion, rerun.version], ['v1.2.0', 'v1.1.0'], label);
      const reg = w.registry();
      assert.equal((await reg.resolve('churn@prod')).version, 'v1.1.0', `${label}: prod went back one version`);
      assert.deepEqual(
        (await reg.history('churn')).filter((e) => e.action === 'unassign').map((e) => e.tag),
        ['churn#prod!#7'],
        `${label}: one unassignment`,
      );
      assert.deepEqual(gtoView(gtoTags(w.gh, w.repo), 'churn').stages, { prod: 'v1.1.0' }, `${label}: GTO agrees`);
      assert.deepEqual(w.gh.violations, []);
    } finally {
      await w.gh.stop();
    }
  }
});

test('a lost answer to creating an event ref that went through is not reported as a failure', async () => {
  const w = await world();
  try {
    await w.registry().publish({ name: 'churn', version: 'v1.0.0', files: await modelFiles(1), commit: w.commit });
    // Writes of a promotion: 1 tag object, 2 event ref, ...
    const promoted = await w
      .registry(w.faultyClient(2, { drop: 'after' }))
      .promote({ name: 'churn', version: 'v1.0.0', stage: 'prod' });
    assert.equal(promoted.tag, 'churn#prod#2');
    assert.ok(w.gh.requests.some((r) => r.fault && r.method === 'POST' && r.path.endsWith('/git/refs')));
    assert.deepEqual(
      (await w.registry().history('churn')).map((e) => e.tag),
      ['churn@v1.0.0', 'churn#prod#2'],
    );
    assert.ok(w.gh.repo(w.repo).refs.has('refs/tags/churn#prod#2'));
  } finally {
    await w.gh.stop();
  }
});

test('a lost answer to creating the draft (retried) and to publishing it leaves no draft once the re-run finishes', async () => {
  const w = await world();
  try {
    const files = await modelFiles(1);
    const client = w.faultyClient(0, { status: 500 });
    // As octokit's retry plugin does after a dropped connection: the same create, sent again.
    let dropped = false;
    client.hook.wrap('request', async (request, options) => {
      if (options.method === 'POST' && String(options.url).endsWith('/releases') && !dropped) {
        dropped = true;
        w.gh.inject({ method: 'POST', path: /\/releases$/, fault: { drop: 'after' } });
        return Promise.resolve(request(options)).catch(() => request(options));
      }
      if (options.method === 'PATCH' && String(options.url).endsWith('/releases/{release_id}'))
        w.gh.inject({ method: 'PATCH', fault: { drop: 'after' } });
      return request(options);
    });
    await assert.rejects(w.registry(client).publish({ name: 'churn', version: 'v1.0.0', files, commit: w.commit }));
    const releases = () => w.gh.repo(w.repo).releases.map((r) => r.draft);
    assert.deepEqual(releases().sort(), [false, true], 'published, and the first draft left behind');
    const rerun = await w.registry().publish({ name: 'churn', version: 'v1.0.0', files, commit: w.commit });
    assert.equal(rerun.created, false);
    assert.deepEqual(releases(), [false], 'the re-run deleted the leftover draft');
    assert.deepEqual(
      (await w.registry().history('churn')).map((e) => e.tag),
      ['churn@v1.0.0'],
    );
    assert.deepEqual(w.gh.violations, []);
  } finally {
    await w.gh.stop();
  }
});
