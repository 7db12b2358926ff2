// The demo's last step: production monitoring. mlship serve serves
// penguins@prod (the version the canary promoted) two windows of traffic, a
// calm one and one whose bill measurements drifted upstream (a shifted copy
// of the holdout), with labels sent back by request id for a share of it;
// the monitor reads the server's prediction log for each window and judges it
// against the version's data profile; the second opens the model's tracking
// issue and the retraining pull request.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_CLASSES, DEMO_FEATURES } from '@mlship/demo';
import { seededRandom } from '@mlship/eval';
import { createGitHubClient } from '@mlship/github';
import type { GitHubEmulator, RepoHandle } from '@mlship/github-emulator';
import {
  calibrateHoldout,
  openRetrainPullRequest,
  readMonitorPolicy,
  retrainBranch,
  runMonitor,
} from '@mlship/monitor';
import { loadModel } from '@mlship/onnx';
import type { RegistryService } from '@mlship/registry';
import type { RunningServer } from '@mlship/serve';
import { sendRequests, servedInput, untilLogged, type DemoRequest } from './demo-traffic.ts';

export interface MonitorStory {
  dir: string;
  gh: GitHubEmulator;
  repo: RepoHandle;
  token: string;
  registry: RegistryService;
  model: string;
  holdout: string;
  /** The reference server, serving prod; `dataDir` is where it logs. */
  server: RunningServer;
  dataDir: string;
  say(line?: string): void;
}

const POLICY = `# Monitoring policy for the penguin species classifier (mlship demo).
schemaVersion: 1
classes: [${DEMO_CLASSES.join(', ')}]
prediction: prediction
label: species
min_rows: 100
min_labels: 50
calibration: { max_ece: 0.05, min_rows: 100 }
triggers:
  features: [${DEMO_FEATURES.join(', ')}]
  quality:
    - { metric: accuracy, min: 0.9 }
  max_age_days: 90
`;

interface HoldoutRow {
  species: string;
  features: number[];
}

export async function monitorProduction(story: MonitorStory): Promise<void> {
  const { say, server } = story;
  const dir = join(story.dir, 'monitor');
  await mkdir(dir, { recursive: true });
  const policyFile = join(dir, 'monitor.yml');
  await writeFile(policyFile, POLICY);
  const policy = await readMonitorPolicy(policyFile);
  const { resolved, files } = await story.registry.download(`${story.model}@prod`, join(dir, 'prod'), {
    role: 'model',
  });
  const [header, ...lines] = (await readFile(story.holdout, 'utf8')).trim().split('\n');
  const columns = header!.split(',');
  const rows: HoldoutRow[] = lines.map((line) => {
    const cells = line.split(',');
    return {
      species: cells[columns.indexOf('species')]!,
      features: DEMO_FEATURES.map((f) => Number(cells[columns.indexOf(f)])),
    };
  });

  // The version's calibration, from its labelled holdout (what `mlship monitor calibrate` writes).
  const model = await loadModel(files[0]!);
  const calibration = join(dir, 'calibration.json');
  try {
    const input = model.signature.inputs[0]!.name;
    const outputs = await model.run({
      [input]: { data: Float32Array.from(rows.flatMap((r) => r.features)), dims: [rows.length, DEMO_FEATURES.length] },
    });
    const probabilities = Object.values(outputs).find((o) => o.dims.length === 2 && o.dims[1] === DEMO_CLASSES.length)!;
    const scored = [
      [...DEMO_CLASSES.map((c) => `probability_${c}`), 'prediction', 'species'].join(','),
      ...rows.map((r, i) => {
        const p = DEMO_CLASSES.map((_, c) => Number(probabilities.data[i * DEMO_CLASSES.length + c]));
        return [...p.map((v) => v.toPrecision(6)), DEMO_CLASSES[p.indexOf(Math.max(...p))], r.species].join(',');
      }),
    ];
    await writeFile(join(dir, 'holdout-scored.csv'), `${scored.join('\n')}\n`);
    await writeFile(calibration, JSON.stringify(await calibrateHoldout(join(dir, 'holdout-scored.csv'), policy)));
  } finally {
    await model.release();
  }

  const input = await servedInput(server, story.model);
  let next = 0;
  /** Users' requests through the server: the holdout drawn four times over with measurement noise, shifted. */
  const serve = async (shift: number[], labelShare: number, seed: number) => {
    const random = seededRandom(seed);
    const requests: DemoRequest[] = Array.from({ length: rows.length * 4 }, () => {
      const row = rows[Math.floor(random() * rows.length)]!;
      return {
        id: `monitor-${next++}`,
        features: row.features.map((v, j) => v * (1 + (random() - 0.5) * 0.02) + shift[j]!),
        label: random() < labelShare ? row.species : undefined,
      };
    });
    await sendRequests(server, story.model, input, requests);
    const last = requests.at(-1)!;
    await untilLogged(story.dataDir, { kind: last.label === undefined ? 'prediction' : 'label', id: last.id });
  };

  const client = createGitHubClient({ token: story.token, baseUrl: story.gh.apiUrl, throttle: false });
  const repo = { owner: story.repo.owner, repo: story.repo.name };
  const windows: [string, number[]][] = [
    ['calm', [0, 0, 0, 0]],
    ['drifted: bill length +6 mm upstream', [6, 0, 0, 0]],
  ];
  for (const [index, [label, shift]] of windows.entries()) {
    const since = new Date();
    await serve(shift, 0.4, 10 + index);
    const result = await runMonitor(
      {
        data: story.dataDir,
        policy: policyFile,
        model: `${story.model}@prod`,
        calibration,
        trackingIssue: true,
        windowHours: 24,
        since: since.toISOString(),
        outputDir: join(dir, `window-${index + 1}`),
      },
      { cwd: dir, now: new Date(), registry: async () => story.registry, github: { client, repo } },
    );
    const { verdict, evidence } = result.outcome;
    const accuracy = verdict.quality.find((q) => q.metric === 'accuracy');
    say(
      `   window ${index + 1} (${label}): ${evidence.rows} requests to ${resolved.tag} in the server's log, ${evidence.labelledRows} labels arrived → ${verdict.status.toUpperCase()}`,
    );
    if (accuracy)
      say(
        `     accuracy estimated from probabilities ${accuracy.estimated.toFixed(3)}${verdict.estimateReliable ? '' : ' (unreliable)'}, realised on the labelled rows ${accuracy.realised?.toFixed(3) ?? 'n/a'}`,
      );
    for (const t of verdict.triggers) say(`     trigger ${t.kind}: ${t.message}`);
    if (result.tracking?.issueNumber)
      say(`     tracking issue #${result.tracking.issueNumber} ${result.tracking.action}`);
    if (verdict.triggers.length > 0) {
      const head = retrainBranch(story.model);
      story.gh.createCommit(story.repo, { branch: head, message: `Retrain ${story.model} on fresh data` });
      const pull = await openRetrainPullRequest(client, repo, {
        model: story.model,
        head,
        base: story.repo.defaultBranch,
        report: result.markdown,
      });
      say(`     retraining pull request #${pull.number} ${pull.action} from ${head}, the report as its body`);
    }
  }
}
