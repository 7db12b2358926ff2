import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startFixture, statusOf, clientFor, type Fixture } from '../test-kit/test-fixture.ts';

let f: Fixture;
let immutable: Fixture;
before(async () => {
  f = await startFixture();
  immutable = await startFixture({ immutableReleases: true });
});
after(async () => {
  await f.gh.stop();
  await immutable.gh.stop();
});

async function upload(fx: Fixture, uploadUrl: string, name: string, bytes: Buffer) {
  return fx.octokit.request({
    method: 'POST',
    url: uploadUrl,
    name,
    data: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
}

test('draft → upload → publish creates the tag and keeps sha256 digests', async () => {
  const draft = await f.octokit.rest.repos.createRelease({
    owner: f.owner,
    repo: f.name,
    tag_name: 'churn@v1.0.0',
    draft: true,
    target_commitish: 'main',
  });
  assert.equal(draft.data.draft, true);
  assert.match(
    draft.data.upload_url,
    new RegExp(
      `^${f.gh.serverUrl}/api/uploads/repos/octo-org/churn-model/releases/${draft.data.id}/assets\\{\\?name,label\\}$`,
    ),
  );
  assert.equal(f.gh.repo(f.repo).refs.has('refs/tags/churn@v1.0.0'), false);

  const bytes = Buffer.from('model weights');
  const asset = await upload(f, draft.data.upload_url, 'model.onnx', bytes);
  assert.equal(asset.status, 201);
  const expectedDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  assert.equal(asset.data.digest, expectedDigest);
  assert.equal(asset.data.size, bytes.length);

  const duplicate = await statusOf(upload(f, draft.data.upload_url, 'model.onnx', bytes));
  assert.equal(duplicate, 422);

  const published = await f.octokit.rest.repos.updateRelease({
    owner: f.owner,
    repo: f.name,
    release_id: draft.data.id,
    draft: false,
  });
  assert.equal(published.data.draft, false);
  assert.ok(published.data.published_at);
  const tag = f.gh.repo(f.repo).refs.get('refs/tags/churn@v1.0.0');
  assert.equal(tag?.sha, f.gh.repo(f.repo).refs.get('refs/heads/main')?.sha);
  const stored = f.gh.repo(f.repo).releases.find((r) => r.id === draft.data.id);
  assert.equal(stored?.assets[0]?.digest, expectedDigest);
});

test('a draft is not found by tag; a published release is', async () => {
  const draft = await f.octokit.rest.repos.createRelease({
    owner: f.owner,
    repo: f.name,
    tag_name: 'churn@v2.0.0',
    draft: true,
  });
  assert.equal(
    await statusOf(f.octokit.rest.repos.getReleaseByTag({ owner: f.owner, repo: f.name, tag: 'churn@v2.0.0' })),
    404,
  );
  await f.octokit.rest.repos.updateRelease({ owner: f.owner, repo: f.name, release_id: draft.data.id, draft: false });
  const found = await f.octokit.rest.repos.getReleaseByTag({ owner: f.owner, repo: f.name, tag: 'churn@v2.0.0' });
  assert.equal(found.data.id, draft.data.id);
});

test('downloading an asset redirects to a blob with the uploaded bytes', async () => {
  const release = await f.octokit.rest.repos.createRelease({
    owner: f.owner,
    repo: f.name,
    tag_name: 'dl@v1',
    draft: true,
  });
  const bytes = Buffer.from([0, 1, 2, 3, 255]);
  const asset = await upload(f, release.data.upload_url, 'blob.bin', bytes);
  const response = await fetch(`${f.gh.apiUrl}/repos/${f.owner}/${f.name}/releases/assets/${asset.data.id}`, {
    headers: { authorization: `token ${f.token}`, accept: 'application/octet-stream' },
    redirect: 'manual',
  });
  assert.equal(response.status, 302);
  const location = response.headers.get('location') ?? '';
  assert.ok(location.startsWith(f.gh.serverUrl));
  const blob = Buffer.from(await (await fetch(location)).arrayBuffer());
  assert.deepEqual(blob, bytes);
  const viaOctokit = await f.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
    owner: f.owner,
    repo: f.name,
    asset_id: asset.data.id,
    headers: { accept: 'application/octet-stream' },
  });
  assert.deepEqual(Buffer.from(viaOctokit.data as unknown as ArrayBuffer), bytes);
});

test('releases list newest first with pagination, and latest follows the tagged commit date', async () => {
  const fx = await startFixture();
  try {
    const older = fx.gh.createCommit(fx.repo, { branch: 'main', message: 'older' });
    const newer = fx.gh.createCommit(fx.repo, { branch: 'main', message: 'newer' });
    // Created second but tagging the older commit: not "latest" on GitHub.
    await fx.octokit.rest.repos.createRelease({
      owner: fx.owner,
      repo: fx.name,
      tag_name: 'v2',
      target_commitish: newer,
    });
    await fx.octokit.rest.repos.createRelease({
      owner: fx.owner,
      repo: fx.name,
      tag_name: 'v1',
      target_commitish: older,
    });
    await fx.octokit.rest.repos.createRelease({
      owner: fx.owner,
      repo: fx.name,
      tag_name: 'v3-rc',
      target_commitish: newer,
      prerelease: true,
    });
    const latest = await fx.octokit.rest.repos.getLatestRelease({ owner: fx.owner, repo: fx.name });
    assert.equal(latest.data.tag_name, 'v2');
    const page = await fx.octokit.rest.repos.listReleases({ owner: fx.owner, repo: fx.name, per_page: 2 });
    assert.deepEqual(
      page.data.map((r) => r.tag_name),
      ['v3-rc', 'v1'],
    );
    assert.match(page.headers.link ?? '', /rel="next"/);
    assert.deepEqual(fx.gh.violations, []);
  } finally {
    await fx.gh.stop();
  }
});

test('an immutable release locks its assets and tag after publish', async () => {
  const fx = immutable;
  const draft = await fx.octokit.rest.repos.createRelease({
    owner: fx.owner,
    repo: fx.name,
    tag_name: 'm@v1.0.0',
    draft: true,
  });
  const asset = await upload(fx, draft.data.upload_url, 'model.onnx', Buffer.from('a'));
  // Before publishing a draft can still change.
  await fx.octokit.rest.repos.updateReleaseAsset({
    owner: fx.owner,
    repo: fx.name,
    asset_id: asset.data.id,
    label: 'weights',
  });
  const published = await fx.octokit.rest.repos.updateRelease({
    owner: fx.owner,
    repo: fx.name,
    release_id: draft.data.id,
    draft: false,
  });
  assert.equal(published.data.immutable, true);
  assert.equal(await statusOf(upload(fx, draft.data.upload_url, 'extra.txt', Buffer.from('b'))), 422);
  assert.equal(
    await statusOf(
      fx.octokit.rest.repos.deleteReleaseAsset({ owner: fx.owner, repo: fx.name, asset_id: asset.data.id }),
    ),
    422,
  );
  assert.equal(
    await statusOf(
      fx.octokit.rest.repos.updateReleaseAsset({ owner: fx.owner, repo: fx.name, asset_id: asset.data.id, name: 'x' }),
    ),
    422,
  );
  assert.equal(
    await statusOf(fx.octokit.rest.git.deleteRef({ owner: fx.owner, repo: fx.name, ref: 'tags/m@v1.0.0' })),
    422,
  );
  assert.equal(fx.gh.repo(fx.repo).releases[0]?.assets.length, 1);
});

test('assets are listed and described; deleting a release removes it', async () => {
  const release = await f.octokit.rest.repos.createRelease({
    owner: f.owner,
    repo: f.name,
    tag_name: 'bye@v1',
    draft: true,
  });
  await upload(f, release.data.upload_url, 'a.txt', Buffer.from('a'));
  await upload(f, release.data.upload_url, 'b.txt', Buffer.from('bb'));
  const assets = await f.octokit.rest.repos.listReleaseAssets({
    owner: f.owner,
    repo: f.name,
    release_id: release.data.id,
  });
  assert.deepEqual(
    assets.data.map((a) => [a.name, a.size, a.state]),
    [
      ['a.txt', 1, 'uploaded'],
      ['b.txt', 2, 'uploaded'],
    ],
  );
  const one = await f.octokit.rest.repos.getReleaseAsset({
    owner: f.owner,
    repo: f.name,
    asset_id: assets.data[1]?.id ?? 0,
  });
  assert.equal(one.data.name, 'b.txt');
  await f.octokit.rest.repos.deleteRelease({ owner: f.owner, repo: f.name, release_id: release.data.id });
  assert.equal(
    await statusOf(f.octokit.rest.repos.getRelease({ owner: f.owner, repo: f.name, release_id: release.data.id })),
    404,
  );
});

test('drafts are hidden from tokens that cannot push', async () => {
  const draft = await f.octokit.rest.repos.createRelease({
    owner: f.owner,
    repo: f.name,
    tag_name: 'hidden@v1',
    draft: true,
  });
  const reader = clientFor(f.gh, f.gh.createToken({ login: 'reader', permissions: { contents: 'read' } }));
  assert.equal(
    await statusOf(reader.rest.repos.getRelease({ owner: f.owner, repo: f.name, release_id: draft.data.id })),
    404,
  );
  const listed = await reader.rest.repos.listReleases({ owner: f.owner, repo: f.name, per_page: 100 });
  assert.equal(
    listed.data.some((r) => r.id === draft.data.id),
    false,
  );
});

test('a second published release for one tag is refused', async () => {
  await f.octokit.rest.repos.createRelease({ owner: f.owner, repo: f.name, tag_name: 'once@v1' });
  await assert.rejects(
    f.octokit.rest.repos.createRelease({ owner: f.owner, repo: f.name, tag_name: 'once@v1' }),
    (error: { status: number; response: { data: { errors: Array<{ code: string; field: string }> } } }) => {
      assert.equal(error.status, 422);
      assert.deepEqual(
        error.response.data.errors.map((e) => [e.code, e.field]),
        [['already_exists', 'tag_name']],
      );
      return true;
    },
  );
});

test('release traffic produces no OpenAPI violations', () => {
  assert.deepEqual(f.gh.violations, []);
  assert.deepEqual(immutable.gh.violations, []);
});
