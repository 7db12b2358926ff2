// Downloads served outside the API, like GitHub's object storage and
// browser download URLs: no token needed (the repositories are public).
import type { Answer } from '../answers.ts';
import type { EmulatorCore } from '../emulator-core.ts';

export const BLOB_PATH_PREFIX = '/_blobs/release-assets/';

export function handleBlobDownload(core: EmulatorCore, method: string, url: URL): Answer | undefined {
  if (method !== 'GET') return undefined;
  if (url.pathname.startsWith(BLOB_PATH_PREFIX)) {
    const id = Number(url.pathname.slice(BLOB_PATH_PREFIX.length));
    for (const repo of core.state.repos.values()) {
      for (const release of repo.releases) {
        const asset = release.assets.find((a) => a.id === id);
        if (!asset) continue;
        asset.downloadCount++;
        return {
          status: 200,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(asset.size) },
          body: asset.bytes,
        };
      }
    }
    return undefined;
  }
  // /{owner}/{repo}/releases/download/{tag}/{name}
  const match = /^\/([^/]+)\/([^/]+)\/releases\/download\/(.+)\/([^/]+)$/.exec(url.pathname);
  if (!match) return undefined;
  const repo = core.findRepo(decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? ''));
  const tag = decodeURIComponent(match[3] ?? '');
  const name = decodeURIComponent(match[4] ?? '');
  const release = repo?.releases.find((r) => r.tagName === tag && !r.draft);
  const asset = release?.assets.find((a) => a.name === name);
  if (!asset) return undefined;
  return { status: 302, headers: { location: `${core.urls.serverUrl}${BLOB_PATH_PREFIX}${asset.id}` } };
}
