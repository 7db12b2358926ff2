import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpec } from './openapi-schemas.ts';
import { RouteTable } from './openapi-routes.ts';

const routes = new RouteTable(loadSpec('api.github.com').operations);

test('a literal segment wins over a parameter', () => {
  assert.equal(routes.match('GET', '/repos/o/r/releases/latest')?.operation.operationId, 'repos/get-latest-release');
  assert.equal(routes.match('GET', '/repos/o/r/releases/42')?.operation.operationId, 'repos/get-release');
});

test('a trailing ref spans slashes, encoded or not', () => {
  const raw = routes.match('GET', '/repos/o/r/git/ref/heads/feature/x');
  assert.equal(raw?.operation.operationId, 'git/get-ref');
  assert.equal(raw?.params['ref'], 'heads/feature/x');
  assert.equal(routes.match('GET', '/repos/o/r/git/ref/heads%2Ffeature%2Fx')?.params['ref'], 'heads/feature/x');
  assert.equal(
    routes.match('GET', '/repos/o/r/releases/tags/models%2Fchurn%40v1.0.0')?.params['tag'],
    'models/churn@v1.0.0',
  );
});

test('other parameters do not span slashes', () => {
  assert.equal(routes.match('GET', '/repos/o/r/extra'), undefined);
  assert.equal(routes.match('GET', '/repos/o/r')?.operation.operationId, 'repos/get');
});

test('the method is part of the match', () => {
  assert.equal(routes.match('DELETE', '/repos/o/r/git/refs/tags/v1')?.operation.operationId, 'git/delete-ref');
  assert.equal(routes.match('PUT', '/repos/o/r/git/refs/tags/v1'), undefined);
});
