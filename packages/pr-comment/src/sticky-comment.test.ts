import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upsertStickyComment } from './sticky-comment.ts';
import { ReportKeySchema, stickyBody, withCommentPointer as pointerFor } from './sticky-marker.ts';
import { MemoryStore } from '../test-kit/memory-store.ts';
import type { ReportTarget } from './target.ts';

const PR: ReportTarget = { kind: 'issue', number: 12 };
const body = (key: string, text: string) => stickyBody(ReportKeySchema.parse(key), text);
const withCommentPointer = (description: string, key: string, nodeId: string) =>
  pointerFor(description, ReportKeySchema.parse(key), nodeId);
/** upsertStickyComment's options for a key given as text. */
const opts = (key: string, rest: { bodyHint?: string | null; warn?: (m: string) => void } = {}) => ({
  key: ReportKeySchema.parse(key),
  ...rest,
});

test('first run creates the comment and saves the pointer in the PR body', async () => {
  const store = new MemoryStore();
  store.bodies.set(12, 'Human description');
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
  assert.equal(result.action, 'created');
  assert.equal(store.on(PR).length, 1);
  assert.match(store.bodies.get(12)!, /^Human description\n\n<!-- mlship:comments \{"m":"IC_1"\} -->$/);
});

test('an update through the pointer costs 3 calls whatever the number of comments', async () => {
  for (const others of [5, 1000]) {
    const store = new MemoryStore();
    store.bodies.set(12, 'desc');
    await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
    for (let i = 0; i < others; i++) store.add(PR, `comment ${i}`, 'someone');
    store.calls = [];
    const result = await upsertStickyComment(store, PR, body('m', 'v2'), opts('m'));
    assert.equal(result.action, 'updated');
    assert.deepEqual(store.calls, ['readIssueBody', 'commentNodes', 'updateComment'], `${others} comments`);
    assert.equal(store.on(PR).filter((r) => r.body.includes('v2')).length, 1);
  }
});

test("the event's copy of the body saves the read: 2 calls", async () => {
  const store = new MemoryStore();
  await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
  store.calls = [];
  await upsertStickyComment(store, PR, body('m', 'v2'), opts('m', { bodyHint: store.bodies.get(12) }));
  assert.deepEqual(store.calls, ['commentNodes', 'updateComment']);
});

test('an unchanged report is not written again', async () => {
  const store = new MemoryStore();
  await upsertStickyComment(store, PR, body('m', 'same'), opts('m'));
  store.calls = [];
  const result = await upsertStickyComment(store, PR, body('m', 'same'), opts('m'));
  assert.equal(result.action, 'unchanged');
  assert.ok(!store.calls.includes('updateComment'));
});

test('a pointer to a comment written by someone else is never followed', async () => {
  const store = new MemoryStore();
  const forged = store.add(PR, body('m', 'forged by a human'), 'mallory');
  store.bodies.set(12, withCommentPointer('desc', 'm', forged.nodeId));
  const result = await upsertStickyComment(store, PR, body('m', 'real'), opts('m'));
  assert.equal(result.action, 'created');
  assert.equal(forged.body, body('m', 'forged by a human'));
  assert.match(store.bodies.get(12)!, /"m":"IC_2"/, 'the pointer is repaired');
});

test("a pointer to another key's comment or another PR's comment is not followed", async () => {
  const store = new MemoryStore();
  const other = store.add(PR, body('model-2', 'other key'));
  const elsewhere = store.add({ kind: 'issue', number: 99 }, body('model', 'other PR'));
  for (const pointed of [other, elsewhere]) {
    store.bodies.set(12, withCommentPointer('', 'model', pointed.nodeId));
    await upsertStickyComment(store, PR, body('model', 'mine'), opts('model'));
  }
  assert.equal(other.body, body('model-2', 'other key'));
  assert.equal(elsewhere.body, body('model', 'other PR'));
  assert.equal(store.on(PR).filter((r) => r.body.includes('mine')).length, 1, 'created once, then found by scan');
});

test('a missing or deleted pointer falls back to the scan and finds our comment', async () => {
  const store = new MemoryStore();
  for (let i = 0; i < 250; i++) store.add(PR, `noise ${i}`, 'someone');
  store.add(PR, body('m', 'mine, not pointed at'));
  store.add(PR, body('m', 'a human quoting the marker'), 'someone');
  store.bodies.set(12, withCommentPointer('', 'm', 'IC_deleted'));
  const result = await upsertStickyComment(store, PR, body('m', 'v2'), opts('m'));
  assert.equal(result.action, 'updated');
  assert.equal(result.commentId, String(2 ** 32 + 251));
  assert.equal(store.on(PR).filter((r) => r.author === store.viewer).length, 1);
  assert.match(store.bodies.get(12)!, /"m":"IC_251"/);
});

test('a create whose response was lost is found, not repeated', async () => {
  const store = new MemoryStore();
  store.createFaults = ['after'];
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
  assert.equal(result.action, 'created');
  assert.equal(store.on(PR).length, 1);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 1);
});

test('a create that failed before landing is tried again, once', async () => {
  const store = new MemoryStore();
  store.createFaults = ['before'];
  await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
  assert.equal(store.on(PR).length, 1);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 2);
});

test('a refused create is not retried', async () => {
  const store = new MemoryStore();
  store.createFaults = [403];
  await assert.rejects(upsertStickyComment(store, PR, body('m', 'v1'), opts('m')), /Resource not accessible/);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 1);
  assert.equal(store.rows.length, 0);
});

test('creates are bounded when GitHub keeps failing', async () => {
  const store = new MemoryStore();
  store.createFaults = ['before', 'before', 'before', 'before'];
  await assert.rejects(upsertStickyComment(store, PR, body('m', 'v1'), opts('m')), /fetch failed/);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 3);
});

test('a pointer that cannot be saved is a warning, not a failure', async () => {
  const store = new MemoryStore();
  store.writeIssueBody = async () => {
    throw new Error('403 Resource not accessible');
  };
  const warnings: string[] = [];
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), opts('m', { warn: (m) => warnings.push(m) }));
  assert.equal(result.action, 'created');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /pointer could not be saved/);
});

test('commit comments are found by scan and updated in place', async () => {
  const store = new MemoryStore();
  const commit: ReportTarget = { kind: 'commit', sha: 'abc123' };
  store.add(commit, body('m', 'from someone else'), 'someone');
  const first = await upsertStickyComment(store, commit, body('m', 'v1'), opts('m'));
  const second = await upsertStickyComment(store, commit, body('m', 'v2'), opts('m'));
  assert.equal(first.action, 'created');
  assert.equal(second.action, 'updated');
  assert.equal(second.commentId, first.commentId);
  assert.equal(store.on(commit).length, 2);
  assert.ok(!store.calls.includes('readIssueBody'));
});

test('two keys on one PR keep two comments and one pointer index', async () => {
  const store = new MemoryStore();
  await upsertStickyComment(store, PR, body('model', 'a'), opts('model'));
  await upsertStickyComment(store, PR, body('model-2', 'b'), opts('model-2'));
  await upsertStickyComment(store, PR, body('model', 'a2'), opts('model'));
  assert.deepEqual(
    store.on(PR).map((r) => r.body),
    [body('model', 'a2'), body('model-2', 'b')],
  );
  assert.equal(store.bodies.get(12)!.match(/mlship:comments/g)!.length, 1);
});

test('a concurrent run that created the same key first wins: ours is deleted, the report goes into theirs', async () => {
  const store = new MemoryStore();
  store.bodies.set(12, 'desc');
  store.beforeCreate = () => {
    store.beforeCreate = undefined;
    const theirs = store.add(PR, body('m', 'from the other run'));
    store.bodies.set(12, withCommentPointer('desc', 'm', theirs.nodeId));
  };
  const result = await upsertStickyComment(store, PR, body('m', 'ours'), opts('m'));
  assert.deepEqual(
    store.on(PR).map((r) => r.body),
    [body('m', 'ours')],
  );
  assert.equal(result.commentId, store.on(PR)[0]!.id);
  assert.equal(result.action, 'updated');
});

test('duplicates of our comment found by a scan are removed, the oldest kept', async () => {
  const store = new MemoryStore();
  const oldest = store.add(PR, body('m', 'old 1'));
  store.add(PR, body('m', 'old 2'));
  store.add(PR, body('m', 'human copy'), 'someone');
  const result = await upsertStickyComment(store, PR, body('m', 'new'), opts('m'));
  assert.equal(result.commentId, oldest.id);
  assert.deepEqual(
    store.on(PR).map((r) => `${r.author}: ${r.body.split('\n')[1]}`),
    ['github-actions[bot]: new', 'someone: human copy'],
  );
});

/** A promise with its resolve function, to hold one run at a chosen step. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

type Hook = (call: string, n: number) => Promise<void> | void;

/** The store as one run sees it: `before` may hold the run's n-th call of a kind, `after` sees it return. */
function runView(store: MemoryStore, hooks: { before?: Hook; after?: Hook }): MemoryStore {
  const counts = new Map<string, number>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const n = (counts.get(property) ?? 0) + 1;
        counts.set(property, n);
        await hooks.before?.(property, n);
        const result = await value.apply(target, args);
        await hooks.after?.(property, n);
        return result;
      };
    },
  });
}

test('two runs that create the same key at once leave one comment and the pointer naming it (a late pointer write of the losing run used to win)', async () => {
  const store = new MemoryStore();
  store.bodies.set(12, 'desc');
  const [aCreated, bCreated, bReadAgain, aDone] = [gate(), gate(), gate(), gate()];
  // A creates first (its comment is the oldest), then B. Both read the description
  // before either writes it; B's write lands only after A has finished.
  const a = runView(store, {
    before: (call, n) => {
      if (call === 'readIssueBody' && n === 2) return bCreated.opened;
      if (call === 'writeIssueBody' && n === 1) return bReadAgain.opened;
    },
    after: (call) => {
      if (call === 'createComment') aCreated.open();
    },
  });
  const b = runView(store, {
    before: (call, n) => {
      if (call === 'createComment') return aCreated.opened;
      if (call === 'writeIssueBody' && n === 1) return aDone.opened;
    },
    after: (call, n) => {
      if (call === 'createComment') bCreated.open();
      if (call === 'readIssueBody' && n === 2) bReadAgain.open();
    },
  });
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const runA = upsertStickyComment(a, PR, body('m', 'from A'), opts('m', { warn })).finally(() => aDone.open());
  const runB = upsertStickyComment(b, PR, body('m', 'from B'), opts('m', { warn }));
  const [resultA, resultB] = await Promise.all([runA, runB]);
  const left = store.on(PR);
  assert.equal(left.length, 1, 'one comment stays');
  assert.match(store.bodies.get(12)!, new RegExp(`"m":"${left[0]!.nodeId}"`), 'the pointer names it');
  assert.equal(resultA.commentId, left[0]!.id);
  assert.equal(resultB.commentId, left[0]!.id);
  assert.deepEqual(warnings, []);
});

test("a forged marker in one report's data never makes it another key's comment", async () => {
  const store = new MemoryStore();
  const forged = `${stickyBody(ReportKeySchema.parse('churn'), '')}`;
  // Report data (a category value, a file name) carrying the churn marker, in our own eval comment.
  await upsertStickyComment(store, PR, body('eval', `| city |\n| --- |\n| ${forged} |`), opts('eval'));
  const evalBody = store.on(PR)[0]!.body;
  // Even once its pointer is gone, so that churn's lookup scans every comment.
  store.bodies.set(12, 'desc');
  const churn = await upsertStickyComment(store, PR, body('churn', 'churn report'), opts('churn'));
  assert.equal(churn.action, 'created');
  assert.deepEqual(
    store.on(PR).map((r) => r.body),
    [evalBody, body('churn', 'churn report')],
  );
});

test("another user's comment opening with the exact marker is never taken, by pointer or by scan", async () => {
  const store = new MemoryStore();
  const theirs = store.add(PR, body('churn', 'a look-alike'), 'mallory');
  store.bodies.set(12, withCommentPointer('desc', 'churn', theirs.nodeId));
  await upsertStickyComment(store, PR, body('churn', 'real'), opts('churn'));
  await upsertStickyComment(store, PR, body('churn', 'real, again'), opts('churn'));
  assert.deepEqual(
    store.on(PR).map((r) => `${r.author}: ${r.body}`),
    [`mallory: ${body('churn', 'a look-alike')}`, `${store.viewer}: ${body('churn', 'real, again')}`],
  );
});

test('our own comment with the marker anywhere but its first line is not the report', async () => {
  const store = new MemoryStore();
  const marker = stickyBody(ReportKeySchema.parse('churn'), '');
  const quoted = store.add(PR, `Earlier report:\n> ${marker}`);
  const later = store.add(PR, `Note\n${marker}body`);
  store.bodies.set(12, withCommentPointer('desc', 'churn', quoted.nodeId));
  const result = await upsertStickyComment(store, PR, body('churn', 'report'), opts('churn'));
  assert.equal(result.action, 'created');
  assert.equal(quoted.body, `Earlier report:\n> ${marker}`);
  assert.equal(later.body, `Note\n${marker}body`);
  assert.equal(store.on(PR).length, 3);
});
