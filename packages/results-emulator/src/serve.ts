// Standalone results service for demos and manual runs of an action or the CLI
// with the real @actions/artifact and @actions/cache clients:
//   node packages/results-emulator/src/serve.ts [owner/name] [git ref]
// Prints, one KEY=VALUE a line, what the runner gives a node action for one job
// of the repository (default octo-org/demo) on the ref (default
// refs/heads/main), with a github.com-like GITHUB_SERVER_URL, and serves until
// interrupted.
import { startResultsService } from './index.ts';

const [repository = 'octo-org/demo', ref = 'refs/heads/main'] = process.argv.slice(2);
if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) {
  console.error(`not an owner/name: ${repository}`);
  process.exit(2);
}
if (!ref.startsWith('refs/')) {
  console.error(`not a full git ref (refs/heads/NAME, refs/pull/N/merge): ${ref}`);
  process.exit(2);
}

const rs = await startResultsService();
const env = rs.runnerEnv({ repository, runId: '1', job: 'local', ref, defaultBranch: 'main' });
// Any server URL but github.com, *.ghe.com and *.localhost makes the clients refuse artifacts (GHES).
for (const [name, value] of Object.entries({ ...env, GITHUB_SERVER_URL: 'http://github.localhost' }))
  console.log(`${name}=${value}`);

const stop = async () => {
  await rs.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
