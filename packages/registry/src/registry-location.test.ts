import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '@mlship/errors';
import { DEFAULT_LOCAL_REGISTRY, formatRegistryLocation, parseRegistryLocation } from './registry-location.ts';

test('local:DIR, a bare directory, a Windows drive path and github:OWNER/REPO', () => {
  assert.deepEqual(parseRegistryLocation('local:.mlship/registry'), { kind: 'local', dir: '.mlship/registry' });
  assert.deepEqual(parseRegistryLocation('models/registry'), { kind: 'local', dir: 'models/registry' });
  assert.deepEqual(parseRegistryLocation('/srv/registry'), { kind: 'local', dir: '/srv/registry' });
  assert.deepEqual(parseRegistryLocation('C:\\registry'), { kind: 'local', dir: 'C:\\registry' });
  assert.deepEqual(parseRegistryLocation('github:octo-org/churn.models'), {
    kind: 'github',
    owner: 'octo-org',
    repo: 'churn.models',
  });
  assert.equal(formatRegistryLocation(parseRegistryLocation(DEFAULT_LOCAL_REGISTRY)), 'local:.mlship/registry');
});

test('any other scheme, a malformed github: or an empty value is one line listing the accepted forms', () => {
  const forms = 'use local:DIR, a directory path, or github:OWNER/REPO';
  for (const [text, message] of [
    ['ftp:x', `--registry 'ftp:x' is not a registry location; ${forms}`],
    ['s3://bucket/models', `--registry 's3://bucket/models' is not a registry location; ${forms}`],
    ['github:octo', `--registry 'github:octo' is not github:OWNER/REPO; ${forms}`],
    ['github:octo/models/extra', `--registry 'github:octo/models/extra' is not github:OWNER/REPO; ${forms}`],
    ['local:', `--registry 'local:' names no directory; ${forms}`],
    [' ', `--registry is empty; ${forms}`],
  ] as const) {
    assert.throws(
      () => parseRegistryLocation(text, '--registry'),
      (e: unknown) => e instanceof InputError && e.message === message,
      text,
    );
  }
});
