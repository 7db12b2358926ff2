import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stickyMarker, withCommentPointer } from '@mlship/report';
import { upsertStickyComment } from './sticky-comment.ts';
import { MemoryStore } from './memory-store.test-support.ts';
import type { ReportTarget } from './target.ts';

const PR: ReportTarget = { kind: 'issue', number: 12 };
const body = (key: string, text: string) => `${stickyMarker(key)}\n${text}`;

test('first run creates the comment and saves the pointer in the PR body', async () => {
  const store = new MemoryStore();
  store.bodies.set(12, 'Human description');
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm' });
  assert.equal(result.action, 'created');
  assert.equal(store.on(PR).length, 1);
  assert.match(store.bodies.get(12)!, /^Human description\n\n<!-- mlship:comments \{"m":"IC_1"\} -->$/);
});

test('an update through the pointer costs 3 calls whatever the number of comments', async () => {
  for (const others of [5, 1000]) {
    const store = new MemoryStore();
    store.bodies.set(12, 'desc');
    await upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm' });
    for (let i = 0; i < others; i++) store.add(PR, `comment ${i}`, 'someone');
    store.calls = [];
    const result = await upsertStickyComment(store, PR, body('m', 'v2'), { key: 'm' });
    assert.equal(result.action, 'updated');
    assert.deepEqual(store.calls, ['readIssueBody', 'commentNodes', 'updateComment'], `${others} comments`);
    assert.equal(store.on(PR).filter((r) => r.body.includes('v2')).length, 1);
  }
});

test("the event's copy of the body saves the read: 2 calls", async () => {
  const store = new MemoryStore();
  await upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm' });
  store.calls = [];
  await upsertStickyComment(store, PR, body('m', 'v2'), { key: 'm', bodyHint: store.bodies.get(12) });
  assert.deepEqual(store.calls, ['commentNodes', 'updateComment']);
});

test('an unchanged report is not written again', async () => {
  const store = new MemoryStore();
  await upsertStickyComment(store, PR, body('m', 'same'), { key: 'm' });
  store.calls = [];
  const result = await upsertStickyComment(store, PR, body('m', 'same'), { key: 'm' });
  assert.equal(result.action, 'unchanged');
  assert.ok(!store.calls.includes('updateComment'));
});

test('a pointer to a comment written by someone else is never followed', async () => {
  const store = new MemoryStore();
  const forged = store.add(PR, body('m', 'forged by a human'), 'mallory');
  store.bodies.set(12, withCommentPointer('desc', 'm', forged.nodeId));
  const result = await upsertStickyComment(store, PR, body('m', 'real'), { key: 'm' });
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
    await upsertStickyComment(store, PR, body('model', 'mine'), { key: 'model' });
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
  const result = await upsertStickyComment(store, PR, body('m', 'v2'), { key: 'm' });
  assert.equal(result.action, 'updated');
  assert.equal(result.commentId, 251);
  assert.equal(store.on(PR).filter((r) => r.author === store.viewer).length, 1);
  assert.match(store.bodies.get(12)!, /"m":"IC_251"/);
});

test('a create whose response was lost is found, not repeated', async () => {
  const store = new MemoryStore();
  store.createFaults = ['after'];
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm' });
  assert.equal(result.action, 'created');
  assert.equal(store.on(PR).length, 1);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 1);
});

test('a create that failed before landing is tried again, once', async () => {
  const store = new MemoryStore();
  store.createFaults = ['before'];
  await upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm' });
  assert.equal(store.on(PR).length, 1);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 2);
});

test('a refused create is not retried', async () => {
  const store = new MemoryStore();
  store.createFaults = [403];
  await assert.rejects(upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm' }), /Resource not accessible/);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 1);
  assert.equal(store.rows.length, 0);
});

test('creates are bounded when GitHub keeps failing', async () => {
  const store = new MemoryStore();
  store.createFaults = ['before', 'before', 'before', 'before'];
  await assert.rejects(upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm' }), /fetch failed/);
  assert.equal(store.calls.filter((c) => c === 'createComment').length, 3);
});

test('a pointer that cannot be saved is a warning, not a failure', async () => {
  const store = new MemoryStore();
  store.writeIssueBody = async () => {
    throw new Error('403 Resource not accessible');
  };
  const warnings: string[] = [];
  const result = await upsertStickyComment(store, PR, body('m', 'v1'), { key: 'm', warn: (m) => warnings.push(m) });
  assert.equal(result.action, 'created');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /pointer could not be saved/);
});

test('commit comments are found by scan and updated in place', async () => {
  const store = new MemoryStore();
  const commit: ReportTarget = { kind: 'commit', sha: 'abc123' };
  store.add(commit, body('m', 'from someone else'), 'someone');
  const first = await upsertStickyComment(store, commit, body('m', 'v1'), { key: 'm' });
  const second = await upsertStickyComment(store, commit, body('m', 'v2'), { key: 'm' });
  assert.equal(first.action, 'created');
  assert.equal(second.action, 'updated');
  assert.equal(second.commentId, first.commentId);
  assert.equal(store.on(commit).length, 2);
  assert.ok(!store.calls.includes('readIssueBody'));
});

test('two keys on one PR keep two comments and one pointer index', async () => {
  const store = new MemoryStore();
  await upsertStickyComment(store, PR, body('model', 'a'), { key: 'model' });
  await upsertStickyComment(store, PR, body('model-2', 'b'), { key: 'model-2' });
  await upsertStickyComment(store, PR, body('model', 'a2'), { key: 'model' });
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
  const result = await upsertStickyComment(store, PR, body('m', 'ours'), { key: 'm' });
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
  const result = await upsertStickyComment(store, PR, body('m', 'new'), { key: 'm' });
  assert.equal(result.commentId, oldest.id);
  assert.deepEqual(
    store.on(PR).map((r) => `${r.author}: ${r.body.split('\n')[1]}`),
    ['github-actions[bot]: new', 'someone: human copy'],
  );
});
