import { FileFormatError } from '@mlship/errors';
import { contentDigest, MANIFEST_ASSET, ManifestSchema, type Manifest } from './manifest.ts';
import type { RegistryStore, StoredVersion, VersionClaim } from './registry-store.ts';
import { digestBytes } from './file-digest.ts';
import { IntegrityError } from './registry-errors.ts';

/**
 * A version's manifest, checked against the store's digest of the asset and
 * against the content digest recorded when the version was claimed. The claim
 * (GitHub: the annotated tag `NAME@vX.Y.Z`) is read from the store, never taken
 * from the release body, which anyone who can edit releases can rewrite along
 * with the assets.
 */
export async function readVerifiedManifest(
  store: RegistryStore,
  stored: StoredVersion,
): Promise<{ manifest: Manifest; claim: VersionClaim }> {
  const where = `${stored.name}@${stored.version}/${MANIFEST_ASSET}`;
  const asset = stored.assets.find((a) => a.name === MANIFEST_ASSET);
  if (!asset)
    throw new FileFormatError(`${where} is missing from the release; the version is damaged: publish a new version`);
  const parts: Uint8Array[] = [];
  for await (const chunk of await store.readAsset(stored.name, stored.version, MANIFEST_ASSET)) parts.push(chunk);
  const bytes = Buffer.concat(parts);
  const own = digestBytes(MANIFEST_ASSET, bytes).sha256;
  if (asset.digest && asset.digest !== `sha256:${own}`) {
    throw new FileFormatError(
      `${where} does not match its recorded digest ${asset.digest}; the release was altered: do not use it`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new FileFormatError(`${where} is not valid JSON; the version is damaged: publish a new version`);
  }
  const manifest = ManifestSchema.safeParse(parsed);
  if (!manifest.success) {
    const issue = manifest.error.issues[0]!;
    throw new FileFormatError(
      `${where}: ${issue.path.join('.')}: ${issue.message}; the manifest is not mlship schemaVersion 1`,
    );
  }
  // Without a store digest (GHES, assets uploaded before GitHub kept digests) the manifest's
  // sha256s are all that downloads are checked against: they must add up to its content digest.
  const { name, source, assets } = manifest.data;
  if (contentDigest(name, source.commit, assets) !== manifest.data.contentDigest) {
    throw new FileFormatError(
      `${where}: its asset checksums do not add up to its content digest; the release was altered: do not use this version`,
    );
  }
  const claim = await store.readClaim(stored.name, stored.version);
  const claimed = claim?.contentDigest;
  if (!claim || !claimed) {
    throw new IntegrityError(
      `${stored.name}@${stored.version}: its tag records no content digest, so ${MANIFEST_ASSET} cannot be verified; the tag was altered or not written by mlship: do not use this version`,
    );
  }
  if (manifest.data.contentDigest !== claimed) {
    throw new IntegrityError(
      `${stored.name}@${stored.version}: ${MANIFEST_ASSET} describes content ${manifest.data.contentDigest}, but the version's tag records ${claimed}; the release was altered after the version was claimed: do not use this version`,
    );
  }
  const recorded = manifest.data.registrationCommit;
  if (recorded !== undefined && recorded !== claim.commit) {
    throw new IntegrityError(
      `${stored.name}@${stored.version}: ${MANIFEST_ASSET} names commit ${recorded}, but the version's tag points at ${claim.commit}; the release was altered after the version was claimed: do not use this version`,
    );
  }
  return { manifest: manifest.data, claim };
}
