// The demo's last step: production monitoring. penguins@prod (the ONNX model
// the release shipped, run by ONNX Runtime) serves two windows of traffic, a
// calm one and one whose bill measurements drifted (a shifted copy of the
// holdout); the monitor judges each against the version's data profile, the
// second opens the model's tracking issue and the retraining pull request.
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

export interface MonitorStory {
  dir: string;
  gh: GitHubEmulator;
  repo: RepoHandle;
  token: string;
  registry: RegistryService;
  model: string;
  holdout: string;
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
  cells: string[];
  species: string;
  features: number[];
}

export async function monitorProduction(story: MonitorStory): Promise<void> {
  const { say } = story;
  const dir = join(story.dir, 'monitor');
  await mkdir(dir, { recursive: true });
  const policyFile = join(dir, 'monitor.yml');
  await writeFile(policyFile, POLICY);
  const policy = await readMonitorPolicy(policyFile);
  const { resolved, files } = await story.registry.download(`${story.model}@prod`, join(dir, 'prod'), {
    role: 'model',
  });
  const model = await loadModel(files[0]!);
  const [header, ...lines] = (await readFile(story.holdout, 'utf8')).trim().split('\n');
  const columns = header!.split(',');
  const rows: HoldoutRow[] = lines.map((line) => {
    const cells = line.split(',');
    return {
      cells,
      species: cells[columns.indexOf('species')]!,
      features: DEMO_FEATURES.map((f) => Number(cells[columns.indexOf(f)])),
    };
  });
  const score = async (features: number[][]) => {
    const input = model.signature.inputs[0]!.name;
    const outputs = await model.run({
      [input]: { data: Float32Array.from(features.flat()), dims: [features.length, DEMO_FEATURES.length] },
    });
    const probabilities = Object.values(outputs).find((o) => o.dims.length === 2 && o.dims[1] === DEMO_CLASSES.length);
    return Array.from({ length: features.length }, (_, i) =>
      DEMO_CLASSES.map((_, c) => Number(probabilities!.data[i * DEMO_CLASSES.length + c])),
    );
  };
  /** Served rows: the holdout drawn `copies` times with measurement noise, shifted, a share of labels arrived. */
  const serve = async (name: string, shift: number[], labelShare: number, seed: number) => {
    const random = seededRandom(seed);
    const drawn = Array.from({ length: rows.length * 4 }, () => rows[Math.floor(random() * rows.length)]!);
    const features = drawn.map((r) => r.features.map((v, j) => v * (1 + (random() - 0.5) * 0.02) + shift[j]!));
    const probabilities = await score(features);
    const out = [
      [...DEMO_FEATURES, 'island', ...DEMO_CLASSES.map((c) => `probability_${c}`), 'prediction', 'species'].join(','),
    ];
    drawn.forEach((r, i) => {
      const p = probabilities[i]!;
      const top = p.indexOf(Math.max(...p));
      const label = random() < labelShare ? r.species : '';
      out.push(
        [
          ...features[i]!.map((v) => v.toFixed(1)),
          r.cells[columns.indexOf('island')],
          ...p.map((v) => v.toPrecision(6)),
          DEMO_CLASSES[top],
          label,
        ].join(','),
      );
    });
    const file = join(dir, name);
    await writeFile(file, `${out.join('\n')}\n`);
    return file;
  };
  // The version's calibration, from its labelled holdout (what `mlship monitor calibrate` writes).
  const calibration = join(dir, 'calibration.json');
  await writeFile(
    calibration,
    JSON.stringify(await calibrateHoldout(await serve('holdout-scored.csv', [0, 0, 0, 0], 1, 1), policy)),
  );
  const client = createGitHubClient({ token: story.token, baseUrl: story.gh.apiUrl, throttle: false });
  const repo = { owner: story.repo.owner, repo: story.repo.name };
  const monitor = (window: string, outputDir: string) =>
    runMonitor(
      {
        data: window,
        policy: policyFile,
        model: `${story.model}@prod`,
        calibration,
        trackingIssue: true,
        windowHours: 24,
        outputDir: join(dir, outputDir),
      },
      { cwd: dir, now: new Date(), registry: async () => story.registry, github: { client, repo } },
    );
  const windows: [string, number[]][] = [
    ['calm', [0, 0, 0, 0]],
    ['drifted: bill length +6 mm upstream', [6, 0, 0, 0]],
  ];
  for (const [index, [label, shift]] of windows.entries()) {
    const window = await serve(`window-${index + 1}.csv`, shift, 0.4, 10 + index);
    const result = await monitor(window, `window-${index + 1}`);
    const { verdict, evidence } = result.outcome;
    const accuracy = verdict.quality.find((q) => q.metric === 'accuracy');
    say(
      `   window ${index + 1} (${label}): ${evidence.rows} rows served by ${resolved.tag}, ${evidence.labelledRows} labels arrived → ${verdict.status.toUpperCase()}`,
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
  await model.release();
}
