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
  assert.ok(!store.calls.includes('writeIssueBody'), 'the description already names the comment that stays');
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

test('a first report on a busy PR: one listing, and authorship asked only about comments that open with the marker', async () => {
  const store = new MemoryStore();
  for (let i = 0; i < 250; i++) store.add(PR, `review ${i}`, 'someone');
  const asked: number[] = [];
  const commentNodes = store.commentNodes.bind(store);
  store.commentNodes = async (target, ids) => (asked.push(ids.length), commentNodes(target, ids));
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
  assert.equal(result.action, 'created');
  assert.deepEqual(store.calls, [
    'readIssueBody',
    'listComments',
    'createComment',
    'listComments',
    'commentNodes',
    'readIssueBody',
    'writeIssueBody',
  ]);
  assert.deepEqual(asked, [1], 'the one candidate after the create, none before');
});

test('a pointer in the event that is stale is not trusted: the current description is read, and a scan runs only when it is stale too', async () => {
  const store = new MemoryStore();
  const mine = store.add(PR, body('m', 'v1'));
  const staleHint = withCommentPointer('desc', 'm', 'IC_deleted');
  // The description names our comment: found through it, updated, nothing else.
  store.bodies.set(12, withCommentPointer('desc', 'm', mine.nodeId));
  const viaDescription = await upsertStickyComment(store, PR, body('m', 'v2'), opts('m', { bodyHint: staleHint }));
  assert.deepEqual([viaDescription.action, viaDescription.commentId], ['updated', mine.id]);
  assert.deepEqual(store.calls, ['commentNodes', 'readIssueBody', 'commentNodes', 'updateComment']);
  // The description holds the same stale pointer: it is not followed twice; the scan finds ours.
  store.bodies.set(12, staleHint);
  store.calls = [];
  const sameStale = await upsertStickyComment(store, PR, body('m', 'v3'), opts('m', { bodyHint: staleHint }));
  assert.deepEqual([sameStale.action, sameStale.commentId], ['updated', mine.id]);
  assert.deepEqual(store.calls, [
    'commentNodes',
    'readIssueBody',
    'listComments',
    'commentNodes',
    'updateComment',
    'readIssueBody',
    'writeIssueBody',
  ]);
  // The description has no pointer at all: nothing more to follow before the scan.
  store.bodies.set(12, 'desc');
  store.calls = [];
  await upsertStickyComment(store, PR, body('m', 'v4'), opts('m', { bodyHint: staleHint }));
  assert.deepEqual(store.calls.slice(0, 4), ['commentNodes', 'readIssueBody', 'listComments', 'commentNodes']);
  assert.equal(store.on(PR).length, 1);
});

test('a stale pointer in the description falls back to the scan without creating anything', async () => {
  const store = new MemoryStore();
  const mine = store.add(PR, body('m', 'v1'));
  store.bodies.set(12, withCommentPointer('desc', 'm', 'IC_deleted'));
  const result = await upsertStickyComment(store, PR, body('m', 'v2'), opts('m'));
  assert.deepEqual([result.action, result.commentId], ['updated', mine.id]);
  assert.ok(!store.calls.includes('createComment') && !store.calls.includes('deleteIssueComment'), String(store.calls));
});

test('the oldest of our comments is the one with the smallest id as a number, whatever order the listing gives', async () => {
  const store = new MemoryStore();
  const [a, b, c] = ['x', 'y', 'z'].map((text) => store.add(PR, body('m', text)));
  // Ids of different lengths: as strings '10000000000' < '4294967297' < '999999999', as numbers the reverse.
  a!.id = '999999999';
  b!.id = '4294967297';
  c!.id = '10000000000';
  store.rows.reverse();
  const result = await upsertStickyComment(store, PR, body('m', 'new'), opts('m'));
  assert.deepEqual([result.action, result.commentId], ['updated', '999999999']);
  assert.deepEqual(
    store.on(PR).map((r) => [r.id, r.body]),
    [['999999999', body('m', 'new')]],
  );
});

test('a pointed comment whose database id GitHub does not give is not followed; the scan finds it with its id', async () => {
  const store = new MemoryStore();
  const mine = store.add(PR, body('m', 'v1'));
  store.bodies.set(12, withCommentPointer('desc', 'm', mine.nodeId));
  const commentNodes = store.commentNodes.bind(store);
  let first = true;
  store.commentNodes = async (target, ids) => {
    const nodes = await commentNodes(target, ids);
    if (first) for (const node of nodes.values()) node.id = undefined;
    first = false;
    return nodes;
  };
  const result = await upsertStickyComment(store, PR, body('m', 'v2'), opts('m'));
  assert.deepEqual([result.action, result.commentId], ['updated', mine.id]);
  assert.equal(mine.body, body('m', 'v2'));
});

test('the comment URL is the one GitHub answers for the update, else the one the comment was found with', async () => {
  const store = new MemoryStore();
  const mine = store.add(PR, body('m', 'v1'));
  const updateComment = store.updateComment.bind(store);
  let answered = 'https://github.test/o/r/pull/12#issuecomment-1';
  store.updateComment = async (target, id, text) => ({ ...(await updateComment(target, id, text)), htmlUrl: answered });
  assert.equal((await upsertStickyComment(store, PR, body('m', 'v2'), opts('m'))).commentUrl, answered);
  answered = '';
  assert.equal(
    (await upsertStickyComment(store, PR, body('m', 'v3'), opts('m'))).commentUrl,
    `https://github.test/c/${mine.id}`,
  );
});

test('a create that failed without any HTTP status (a closed connection) is looked up before it is tried again', async () => {
  const store = new MemoryStore();
  const createComment = store.createComment.bind(store);
  let lost = true;
  store.createComment = async (target, text) => {
    const created = await createComment(target, text);
    if (lost) {
      lost = false;
      throw new Error('other side closed');
    }
    return created;
  };
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
  assert.equal(result.action, 'created');
  assert.equal(store.on(PR).length, 1);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 1);
});

test('a listing that does not show the new comment yet (eventual consistency) still ends with it', async () => {
  const store = new MemoryStore();
  store.listComments = async () => (store.calls.push('listComments'), []);
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), opts('m'));
  assert.deepEqual([result.action, result.commentId], ['created', store.rows[0]!.id]);
  assert.match(store.bodies.get(12)!, /"m":"IC_1"/);
});

test('duplicates: one another run deleted first (404) is passed over; any other refusal is one warning and stops', async () => {
  for (const status of [404, 403]) {
    const store = new MemoryStore();
    const oldest = store.add(PR, body('m', '1'));
    const second = store.add(PR, body('m', '2'));
    const third = store.add(PR, body('m', '3'));
    const deleteIssueComment = store.deleteIssueComment.bind(store);
    let refused = false;
    store.deleteIssueComment = async (id) => {
      if (!refused) {
        refused = true;
        store.calls.push('deleteIssueComment');
        if (status === 404) await deleteIssueComment(id);
        throw Object.assign(new Error(status === 404 ? 'Not Found' : 'Resource not accessible by integration'), {
          status,
        });
      }
      return deleteIssueComment(id);
    };
    const warnings: string[] = [];
    const result = await upsertStickyComment(store, PR, body('m', 'new'), opts('m', { warn: (m) => warnings.push(m) }));
    assert.equal(result.commentId, oldest.id);
    if (status === 404) {
      assert.deepEqual(warnings, []);
      assert.deepEqual(
        store.on(PR).map((r) => r.id),
        [oldest.id],
      );
    } else {
      assert.deepEqual(warnings, [
        `report: could not delete duplicate report comment ${second.id} (Resource not accessible by integration)`,
      ]);
      assert.deepEqual(
        store.on(PR).map((r) => r.id),
        [oldest.id, second.id, third.id],
        'the third is not tried after a refusal',
      );
    }
  }
});

test('commit comments: a comment is ours only on the commit the target names, given as a prefix of its sha', async () => {
  const full = 'abc1234def5678abc1234def5678abc1234def56';
  const target: ReportTarget = { kind: 'commit', sha: 'abc1234' };
  for (const [commitSha, ours] of [
    [full, true],
    ['fff1234def5678abc1234def5678abc1234def56', false],
    ['def5678abc1234def5678abc1234def5abc1234', false],
    [undefined, false],
  ] as const) {
    const store = new MemoryStore();
    const listed = store.add(target, body('m', 'v1'));
    const commentNodes = store.commentNodes.bind(store);
    store.commentNodes = async (t, ids) => {
      const nodes = await commentNodes(t, ids);
      for (const node of nodes.values()) node.commitSha = commitSha;
      return nodes;
    };
    const result = await upsertStickyComment(store, target, body('m', 'v2'), opts('m'));
    assert.equal(result.action, ours ? 'updated' : 'created', String(commitSha));
    assert.equal(listed.body, body('m', ours ? 'v2' : 'v1'), String(commitSha));
  }
});
