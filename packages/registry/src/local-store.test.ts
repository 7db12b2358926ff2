import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStore } from './local-store.ts';
import { modelSegment } from './tag-grammar.ts';
import { registryBehaviour } from '../test-kit/registry-behaviour.ts';

registryBehaviour('local', async () => {
  const root = await mkdtemp(join(tmpdir(), 'mlship-registry-'));
  const commit = 'a'.repeat(40);
  return {
    commit,
    store: () => new LocalStore(root, { defaultCommit: async () => commit }),
    tamper: (name, version, asset, bytes) =>
      writeFile(join(root, 'models', modelSegment(name), 'versions', version, asset), bytes),
    close: () => rm(root, { recursive: true, force: true }),
  };
});
