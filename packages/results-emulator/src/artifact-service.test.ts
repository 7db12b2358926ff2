import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startResultsService, type ResultsService } from './index.ts';
import { JOB, blobRequest, callTwirp } from '../test-kit/results-client.ts';

let rs: ResultsService;
before(async () => {
  rs = await startResultsService();
});
after(async () => {
  await rs.stop();
});

function jobOf(job: string, runId = JOB.runId) {
  const spec = { ...JOB, job, runId };
  return { token: rs.createRuntimeToken(spec), ids: rs.backendIds(spec) };
}

function address(ids: { runBackendId: string; jobBackendId: string }) {
  return { workflow_run_backend_id: ids.runBackendId, workflow_job_run_backend_id: ids.jobBackendId };
}

/** Create, Put Block, Put Block List, Finalize: what @actions/artifact does for one upload. */
async function upload(job: ReturnType<typeof jobOf>, name: string, bytes: Buffer, size = String(bytes.length)) {
  const created = await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    { ...address(job.ids), name, version: 7, mime_type: 'application/zip' },
    { token: job.token },
  );
  assert.equal(created.status, 200, created.text);
  const url = String(created.json['signed_upload_url']);
  const blockId = Buffer.from('block-000000').toString('base64');
  assert.equal(
    (await blobRequest(rs, `${url}&comp=block&blockid=${encodeURIComponent(blockId)}`, { method: 'PUT', body: bytes }))
      .status,
    201,
  );
  const list = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><BlockList><Latest>${blockId}</Latest></BlockList>`;
  assert.equal((await blobRequest(rs, `${url}&comp=blocklist`, { method: 'PUT', body: list })).status, 201);
  const hash = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return callTwirp(
    rs,
    'ArtifactService',
    'FinalizeArtifact',
    { ...address(job.ids), name, size, hash },
    { token: job.token },
  );
}

test('artifacts get github.com-range ids past 2^32, never consecutive, and the sha256 digest of their bytes', async () => {
  const job = jobOf('ids');
  const first = await upload(job, 'model-a', Buffer.from('aaa'));
  const second = await upload(job, 'model-b', Buffer.from('bbb'));
  const [a, b] = [BigInt(String(first.json['artifact_id'])), BigInt(String(second.json['artifact_id']))];
  assert.ok(a > 2n ** 32n);
  assert.ok(b - a >= 2n && b - a <= 997n, `gap ${b - a}`);
  const listed = await callTwirp(
    rs,
    'ArtifactService',
    'ListArtifacts',
    { ...address(job.ids), name_filter: 'model-b' },
    { token: job.token },
  );
  const [artifact] = listed.json['artifacts'] as Record<string, unknown>[];
  assert.equal(artifact?.['database_id'], String(b));
  assert.equal(artifact?.['size'], '3');
  assert.equal(artifact?.['digest'], `sha256:${createHash('sha256').update('bbb').digest('hex')}`);
  assert.deepEqual(rs.violations, []);
});

test('a second artifact of the same name in a run is refused with the service message', async () => {
  const job = jobOf('dup');
  assert.equal((await upload(job, 'report', Buffer.from('1'))).status, 200);
  const again = await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    { ...address(jobOf('other').ids), name: 'report', version: 7 },
    { token: jobOf('other').token },
  );
  assert.equal(again.status, 409);
  assert.deepEqual(again.json, {
    code: 'already_exists',
    msg: 'an artifact with this name already exists on the workflow run',
  });
});

test('finalize checks the uploaded bytes: size and digest must match, and content must exist', async () => {
  const job = jobOf('finalize');
  const wrongSize = await upload(job, 'sized', Buffer.from('12345'), '4');
  assert.equal(wrongSize.status, 400);
  assert.equal(wrongSize.json['code'], 'invalid_argument');
  assert.match(String(wrongSize.json['msg']), /size 4 does not match the 5 bytes uploaded/);

  const noContent = jobOf('empty');
  await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    { ...address(noContent.ids), name: 'nothing', version: 7 },
    { token: noContent.token },
  );
  const unfinished = await callTwirp(
    rs,
    'ArtifactService',
    'FinalizeArtifact',
    { ...address(noContent.ids), name: 'nothing', size: '0' },
    { token: noContent.token },
  );
  assert.equal(unfinished.json['code'], 'failed_precondition');
  const missing = await callTwirp(
    rs,
    'ArtifactService',
    'FinalizeArtifact',
    { ...address(noContent.ids), name: 'never-created', size: '0' },
    { token: noContent.token },
  );
  assert.deepEqual([missing.status, missing.json['code']], [404, 'not_found']);
});

test('a token reaches only its own run: another run is refused, another job of the run may be read', async () => {
  const writer = jobOf('writer');
  assert.equal((await upload(writer, 'shared', Buffer.from('s'))).status, 200);
  const reader = jobOf('reader');
  const url = await callTwirp(
    rs,
    'ArtifactService',
    'GetSignedArtifactURL',
    { ...address(writer.ids), name: 'shared' },
    { token: reader.token },
  );
  assert.equal(url.status, 200);
  const download = await blobRequest(rs, String(url.json['signed_url']));
  assert.equal(download.text, 's');
  assert.equal(
    download.headers['content-disposition'],
    `attachment; filename="shared.zip"; filename*=UTF-8''shared.zip`,
  );

  const stranger = jobOf('train', '999');
  const denied = await callTwirp(rs, 'ArtifactService', 'ListArtifacts', address(writer.ids), {
    token: stranger.token,
  });
  assert.deepEqual([denied.status, denied.json['code']], [403, 'permission_denied']);
  // Creating in another job's name is refused even inside the run.
  const impostor = await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    { ...address(writer.ids), name: 'x', version: 7 },
    { token: reader.token },
  );
  assert.deepEqual([impostor.status, impostor.json['code']], [403, 'permission_denied']);
});

test('names the client refuses are refused too, and recorded as violations', async () => {
  const job = jobOf('names');
  for (const name of ['a/b', 'a:b', 'what?', '']) {
    const r = await callTwirp(
      rs,
      'ArtifactService',
      'CreateArtifact',
      { ...address(job.ids), name, version: 7 },
      { token: job.token },
    );
    assert.deepEqual([r.status, r.json['code']], [400, 'invalid_argument'], name);
  }
  assert.equal(rs.violations.length, 4);
  rs.clearViolations();
});

test('retention: an artifact expires at its requested time, never past the repository retention', async () => {
  const job = jobOf('retention');
  const expiresAt = new Date(rs.clock.nowMs() + 3 * 24 * 3600 * 1000).toISOString();
  const created = await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    { ...address(job.ids), name: 'short-lived', version: 7, expires_at: expiresAt },
    { token: job.token },
  );
  assert.equal(created.status, 200);
  const longLived = await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    {
      ...address(job.ids),
      name: 'long-lived',
      version: 7,
      expires_at: new Date(rs.clock.nowMs() + 400 * 24 * 3600 * 1000).toISOString(),
    },
    { token: job.token },
  );
  assert.equal(longLived.status, 200);
  const record = (name: string) => rs.artifacts().find((a) => a.name === name);
  assert.equal(record('short-lived')?.expiresMs, Date.parse(expiresAt));
  assert.equal(record('long-lived')?.expiresMs, (record('long-lived')?.createdMs ?? 0) + 90 * 24 * 3600 * 1000);
  const past = await callTwirp(
    rs,
    'ArtifactService',
    'CreateArtifact',
    { ...address(job.ids), name: 'past', version: 7, expires_at: '2020-01-01T00:00:00Z' },
    { token: job.token },
  );
  assert.equal(past.json['code'], 'invalid_argument');
});

test('an expired artifact is no longer listed or downloadable', async () => {
  const svc = await startResultsService();
  try {
    const spec = { ...JOB, job: 'old' };
    const token = svc.createRuntimeToken(spec);
    const ids = address(svc.backendIds(spec));
    const created = await callTwirp(
      svc,
      'ArtifactService',
      'CreateArtifact',
      { ...ids, name: 'old', version: 7, expires_at: new Date(svc.clock.nowMs() + 24 * 3600 * 1000).toISOString() },
      { token },
    );
    const url = String(created.json['signed_upload_url']);
    await blobRequest(svc, url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'o' });
    assert.equal(
      (await callTwirp(svc, 'ArtifactService', 'FinalizeArtifact', { ...ids, name: 'old', size: '1' }, { token }))
        .status,
      200,
    );
    svc.advanceClock(25 * 3600 * 1000);
    const fresh = svc.createRuntimeToken(spec);
    const listed = await callTwirp(svc, 'ArtifactService', 'ListArtifacts', ids, { token: fresh });
    assert.deepEqual(listed.json['artifacts'], []);
    const signed = await callTwirp(
      svc,
      'ArtifactService',
      'GetSignedArtifactURL',
      { ...ids, name: 'old' },
      { token: fresh },
    );
    assert.equal(signed.json['code'], 'not_found');
  } finally {
    await svc.stop();
  }
});

test('DeleteArtifact removes the artifact and its blob', async () => {
  const job = jobOf('delete');
  const done = await upload(job, 'doomed', Buffer.from('d'));
  const deleted = await callTwirp(
    rs,
    'ArtifactService',
    'DeleteArtifact',
    { ...address(job.ids), name: 'doomed' },
    { token: job.token },
  );
  assert.deepEqual(deleted.json, { ok: true, artifact_id: done.json['artifact_id'] });
  assert.equal(
    rs.artifacts().some((a) => a.name === 'doomed'),
    false,
  );
  const again = await callTwirp(
    rs,
    'ArtifactService',
    'DeleteArtifact',
    { ...address(job.ids), name: 'doomed' },
    { token: job.token },
  );
  assert.equal(again.status, 404);
});
