// Standalone emulator for demos and manual poking:
//   node packages/github-emulator/src/serve.ts [owner/name ...]
// Creates the named repositories (default octo-org/demo) and a token with
// every permission, prints the environment a runner would have, and serves
// until interrupted.
import { startEmulator } from './index.ts';

const gh = await startEmulator();
const names = process.argv.slice(2);
for (const fullName of names.length > 0 ? names : ['octo-org/demo']) {
  const [owner, name] = fullName.split('/');
  if (!owner || !name) {
    console.error(`not an owner/name: ${fullName}`);
    process.exit(2);
  }
  gh.createRepo({ owner, name });
}
const token = gh.createToken({ login: 'github-actions[bot]', type: 'Bot' });
console.log(`GITHUB_API_URL=${gh.apiUrl}`);
console.log(`GITHUB_GRAPHQL_URL=${gh.graphqlUrl}`);
console.log(`GITHUB_SERVER_URL=${gh.serverUrl}`);
console.log(`GITHUB_TOKEN=${token}`);

const stop = async () => {
  await gh.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
