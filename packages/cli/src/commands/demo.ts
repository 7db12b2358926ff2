// mlship demo: the whole lifecycle of a model change on one machine, with the
// embedded GitHub emulator and a local-directory registry, through the same
// library calls the actions make. It tells the story of one pull request:
// a broken feature pipeline is caught, the fix passes, the model ships
// through a judged canary, a bad hotfix is rolled back on its own, and
// production is monitored.
import { parseArgs } from 'node:util';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { InputError } from '@mlship/errors';
import { startEmulator, type GitHubEmulator, type RepoHandle } from '@mlship/github-emulator';
import { runDataTest } from '@mlship/data';
import { DEMO_FEATURES, DEMO_TRAINER, writeDemoData, writeDemoModels } from '@mlship/demo';
import { LocalCheckpointStore, runTraining, toolRunner, TrainInputsSchema, type TrainResult } from '@mlship/train';
import { LocalStore, RegistryService } from '@mlship/registry';
import { readOnnxSignature } from '@mlship/onnx';
import { validate } from '@mlship/validate';
import { createGitHubClient } from '@mlship/github';
import { postReport, createReportDeps, ReportKeySchema } from '@mlship/pr-comment';
import { runnerContextFromEnv } from '@mlship/runner-context';
import { composeReport, type ReportSection } from '@mlship/report';
import type { CliCommand, CliIO } from '../command.ts';
import { monitorProduction } from './demo-monitor.ts';
import { rollOut, startDemoServer, type RolloutSetting } from './demo-rollout.ts';

const MODEL = 'penguins';
const BOT = 'github-actions[bot]';
const PR_TITLE = 'Use bill length and depth in the species classifier';

interface Story {
  io: CliIO;
  dir: string;
  gh: GitHubEmulator;
  repo: RepoHandle;
  pr: number;
  headSha: string;
  token: string;
  registry: RegistryService;
}

const command: CliCommand = {
  summary: 'run the whole lifecycle locally: data tests, training, registry, validation, PR report, canary rollout',
  async run(argv, io) {
    let flags;
    try {
      flags = parseArgs({
        args: argv,
        options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      }).values;
    } catch (error) {
      throw new InputError(`mlship demo: ${(error as Error).message}; usage: mlship demo [--dir DIR]`);
    }
    if (flags.help) {
      io.stdout('usage: mlship demo [--dir DIR]   (default .mlship/demo; wiped and written anew)\n');
      return 0;
    }
    const dir = resolve(io.cwd, flags.dir ?? '.mlship/demo');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const gh = await startEmulator();
    try {
      return await tell(io, dir, gh);
    } finally {
      await gh.stop();
    }
  },
};

async function tell(io: CliIO, dir: string, gh: GitHubEmulator): Promise<number> {
  const say = (line = '') => io.stdout(`${line}\n`);
  const rel = (path: string) => relative(io.cwd, path) || '.';
  say('mlship demo: one model pull request, from data tests to production, on this machine');
  say(`  work dir ${rel(dir)}  ·  GitHub emulator ${gh.apiUrl}  ·  registry local:${rel(join(dir, 'registry'))}`);

  const repo = gh.createRepo({ owner: 'demo-org', name: MODEL, defaultBranch: 'main' });
  gh.createCommit(repo, { branch: 'main', message: 'Species classifier v1 (flipper length, body mass)' });
  gh.createCommit(repo, { branch: 'bill-features', message: 'Add bill measurements to the features' });
  const pr = gh.createPullRequest(repo, {
    head: 'bill-features',
    base: 'main',
    user: 'alice',
    title: PR_TITLE,
    body: 'The bill measurements separate Adelie from Chinstrap penguins.',
  });
  const token = gh.createToken({
    login: BOT,
    type: 'Bot',
    permissions: {
      contents: 'write',
      'pull-requests': 'write',
      issues: 'write',
      checks: 'write',
      deployments: 'write',
      metadata: 'read',
    },
  });
  const registry = new RegistryService(new LocalStore(join(dir, 'registry')), {
    actor: 'alice',
    readSignature: readOnnxSignature,
  });
  const story: Story = { io, dir, gh, repo, pr: pr.number, headSha: pr.headSha, token, registry };

  say();
  say('1. Production today');
  const data = await writeDemoData(join(dir, 'data'));
  const models = await writeDemoModels(join(dir, 'models'));
  say(
    `   trained on ${models.training.rows} Palmer penguins (vega-datasets): baseline uses flipper length and body mass`,
  );
  const v1 = await registry.publish({
    name: MODEL,
    version: '1.0.0',
    commit: repo.defaultBranch,
    files: [
      { path: models.baseline, role: 'model' },
      { path: data.referenceProfile, role: 'data-profile' },
    ],
  });
  await registry.promote({ name: MODEL, version: v1.version, stage: 'staging' });
  await registry.promote({ name: MODEL, version: v1.version, stage: 'prod' });
  say(`   published ${v1.tag} (${v1.manifest.assets.length} assets, sha256-pinned) and promoted staging → prod`);

  say();
  say(`2. Pull request #${pr.number} "${PR_TITLE}": first push, with a broken feature pipeline`);
  const broken = await checkPullRequest(story, 'push-1', data.incomingBroken, models.degraded, data);
  say(`   → ${broken}`);

  say();
  say("3. Second push: the pipeline fixed; the candidate trained by the team's command through mlship train");
  const trained = await trainCandidate(story);
  const fixed = await checkPullRequest(story, 'push-2', data.incoming, trained.paths.model!, data, trained);
  say(`   → ${fixed}`);

  say();
  say('4. Merged and released');
  const v2 = await registry.publish({
    name: MODEL,
    bump: 'minor',
    commit: 'bill-features',
    pullRequest: pr.number,
    parentVersion: v1.version,
    files: [
      { path: trained.paths.model!, role: 'model' },
      { path: join(dir, 'push-2', 'validate', 'model-card.md'), role: 'card' },
      { path: join(dir, 'push-2', 'data', 'profile.json'), role: 'data-profile' },
    ],
  });
  await registry.promote({ name: MODEL, version: v2.version, stage: 'staging' });
  say(`   published ${v2.tag} with its model card and data profile; releasing it starts the rollout`);

  const setting: RolloutSetting = {
    model: MODEL,
    apiUrl: gh.apiUrl,
    repository: repo.fullName,
    token,
    registry: `local:${join(dir, 'registry')}`,
    policy: rel(models.policy),
    traffic: models.holdout,
    features: DEMO_FEATURES,
    cwd: io.cwd,
    say,
  };
  const server = await startDemoServer(setting, registry, join(dir, 'serve'));
  try {
    const traffic = { next: 0 };
    say();
    say(
      `5. Canary: mlship serve on ${server.url} serves ${MODEL}@prod (${v1.version}) and, from the first run, the canary`,
    );
    say(`   the deploy controller runs as its scheduled job would; labelled penguins traffic runs between runs`);
    const good = await rollOut(setting, server, v2.version, traffic);
    say(`   → ${good.action} after ${good.requests} requests and ${good.labels} labels; ${statuses(gh, repo)}`);

    say();
    say('6. A hotfix released by hand, built from the broken feature pipeline (no pull request, no checks)');
    const hotfixCommit = gh.createCommit(repo, {
      branch: 'main',
      message: 'Hotfix: retrain after the feature store move',
    });
    const v3 = await registry.publish({
      name: MODEL,
      bump: 'minor',
      commit: hotfixCommit,
      parentVersion: v2.version,
      files: [
        { path: models.degraded, role: 'model' },
        { path: join(dir, 'push-2', 'data', 'profile.json'), role: 'data-profile' },
      ],
    });
    say(`   published ${v3.tag}`);
    const bad = await rollOut(setting, server, v3.version, traffic);
    const evidence = gh.repo(repo).commitComments.filter((c) => c.commitId === hotfixCommit).length;
    say(`   → ${bad.action} after ${bad.requests} requests and ${bad.labels} labels; ${statuses(gh, repo)}`);
    say(`   the evidence is ${evidence === 1 ? 'a comment' : `${evidence} comments`} on the release's commit`);
    const prod = await registry.resolve(`${MODEL}@prod`);
    say(`   ${MODEL}@prod is ${prod.version}; the registry's history:`);
    const history = await registry.history(MODEL);
    for (const e of history)
      say(
        `     #${e.counter} ${e.action.padEnd(10)} ${(e.version ?? '').padEnd(6)} ${(e.stage ?? '').padEnd(8)} ${e.tag}`,
      );

    say();
    say('7. Production monitoring: what the server logged for prod, judged by the scheduled monitor');
    await monitorProduction({
      dir,
      gh,
      repo,
      token,
      registry,
      model: MODEL,
      holdout: models.holdout,
      server,
      dataDir: join(dir, 'serve'),
      say,
    });
  } finally {
    await server.close();
  }

  const comments = gh.repo(repo).issueComments.filter((c) => c.issueNumber === pr.number);
  const finalComment = join(dir, 'pr-comment.md');
  await writeFile(finalComment, comments.at(-1)?.body ?? '');
  say();
  say(
    `The pull request has ${comments.length} mlship comment, updated in place on each push. Read it: ${rel(finalComment)}`,
  );
  say(`Per-push reports, data profiles, model cards and results are under ${rel(dir)}/push-1 and push-2.`);
  return 0;
}

/** The last deployment's statuses, oldest first. */
function statuses(gh: GitHubEmulator, repo: RepoHandle): string {
  const deployment = gh.repo(repo).deployments.at(-1);
  return `deployment ${deployment?.id}: ${deployment?.statuses.map((s) => s.state).join(' → ')}`;
}

/** One CI run on the pull request: data tests, validation, the sticky report. */
async function checkPullRequest(
  story: Story,
  run: string,
  incoming: string,
  candidate: string,
  data: { expectations: string; referenceProfile: string },
  training?: TrainResult,
): Promise<string> {
  const out = join(story.dir, run);
  // Paths as a workflow would write them, relative to the workspace, so the report shows them so.
  const rel = (path: string) => relative(story.io.cwd, path);
  const dataTest = await runDataTest({
    data: rel(incoming),
    expectations: rel(data.expectations),
    referenceProfile: rel(data.referenceProfile),
    failOn: 'error',
    outputDir: join(out, 'data'),
  });
  const outcome = await validate(
    {
      candidate: rel(candidate),
      baseline: `${MODEL}@prod`,
      data: rel(join(story.dir, 'models', 'holdout.csv')),
      policy: rel(join(story.dir, 'models', 'policy.yml')),
      outputDir: join(out, 'validate'),
    },
    { resolveModel: (reference) => downloadModel(story.registry, reference, join(out, 'baseline')) },
  );
  const sections: ReportSection[] = [dataTest.section, ...(training ? [training.section] : []), outcome.section];
  const reportPath = join(out, 'report.md');
  await writeFile(reportPath, composeReport(sections, { title: `mlship · ${MODEL}` }));
  const posted = await postReport(
    { reportPath, target: `pr/${story.pr}`, key: ReportKeySchema.parse(MODEL) },
    createReportDeps({
      client: createGitHubClient({ token: story.token, baseUrl: story.gh.apiUrl }),
      context: await runnerContextFromEnv(
        { GITHUB_REPOSITORY: story.repo.fullName, GITHUB_API_URL: story.gh.apiUrl },
        { cwd: story.dir },
      ),
      warn: (message) => story.io.stderr(`mlship: warning: ${message}\n`),
    }),
  );
  const firstFailure = outcome.result.gates.find((g) => g.verdict === 'fail');
  const verdicts = `data ${dataTest.outcome.toUpperCase()}, model ${outcome.result.verdict.toUpperCase()}`;
  const reason = firstFailure
    ? ` (first failed gate: ${firstFailure.gate}${firstFailure.scope === 'all rows' ? '' : ` [${firstFailure.scope}]`})`
    : '';
  return `${verdicts}${reason}; PR comment ${posted.commentId} ${posted.action}`;
}

/**
 * The candidate trained as actions/train trains it on a runner: the team's
 * command (the demo's CPU trainer behind a train.sh) with checkpoints in a
 * store. The first attempt's machine is preempted halfway (the command is
 * SIGKILLed); the second attempt, on a fresh machine, restores the newest
 * checkpoint and finishes.
 */
async function trainCandidate(story: Story): Promise<TrainResult> {
  const say = (line: string) => story.io.stdout(`${line}\n`);
  const workspace = join(story.dir, 'train');
  await mkdir(workspace, { recursive: true });
  await writeFile(join(workspace, 'train.sh'), `exec "${process.execPath}" "${DEMO_TRAINER}" "$@"\n`);
  const inputs = TrainInputsSchema.parse({
    run: 'bash train.sh --epochs 400 --out candidate.onnx',
    name: MODEL,
    checkpointDir: 'checkpoints',
    modelPath: 'candidate.onnx',
    seed: '7',
    telemetryIntervalSeconds: '1',
    progressIntervalSeconds: '600',
  });
  const store = new LocalCheckpointStore(join(story.dir, 'checkpoint-store'), 'checkpoint-store');
  const attempt = async (n: number, env: Record<string, string>) => {
    let log = '';
    const result = await runTraining(
      inputs,
      {
        workspace,
        env: { ...story.io.env, PATH: story.io.env.PATH ?? process.env.PATH, ...env },
        runnerName: 'demo-runner',
        run: { id: '4242', attempt: n },
        repository: story.repo.fullName,
        commit: story.headSha,
        branch: 'bill-features',
        defaultBranch: 'main',
        pullRequest: story.pr,
        defaultName: MODEL,
      },
      {
        runTool: toolRunner(story.io.env),
        store,
        log: 'plain',
        write: (text) => void (log += text),
        warn: (message) => say(`   warning: ${message}`),
      },
    );
    return { result, log };
  };
  const first = await attempt(1, { DEMO_PREEMPT_AT_EPOCH: '200' });
  const saved = /checkpoint saved \(\w+\) as ([^:\s]+)/.exec(first.log)?.[1];
  say(
    `   attempt 1: preempted at epoch 200 (${first.result.failure?.split(' after ')[0] ?? first.result.outcome}); checkpoint ${saved ?? 'none'}`,
  );
  // A preempted machine is gone: the next attempt starts on a fresh one, with no checkpoint on disk.
  await rm(join(workspace, 'checkpoints'), { recursive: true, force: true });
  const second = await attempt(2, {});
  const resumed = /resumed from epoch (\d+)/.exec(second.log)?.[1];
  const loss = second.result.report.metrics.final['loss']?.value;
  say(
    `   attempt 2: restored the checkpoint, resumed from epoch ${resumed ?? '?'}, ${second.result.outcome} (loss ${loss?.toFixed(4) ?? '?'}); lineage ${relative(story.io.cwd, second.result.paths.lineage)}`,
  );
  if (second.result.outcome !== 'succeeded' || !second.result.paths.model)
    throw new Error(`the demo's training failed: ${second.result.failure ?? second.result.outcome}\n${second.log}`);
  return second.result;
}

async function downloadModel(
  registry: RegistryService,
  reference: string,
  dest: string,
): Promise<{ path: string; version: string }> {
  const { resolved, files } = await registry.download(reference, dest, { role: 'model' });
  return { path: files[0]!, version: resolved.tag };
}

export default command;
