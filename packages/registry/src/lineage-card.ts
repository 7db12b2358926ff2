// The training lineage as a model card section: what `registry publish`
// writes into the card it attaches, so a reader of the card sees where the
// version came from (the "Training Data" and environment facts of Mitchell et
// al.'s card) without opening manifest.json. Every value comes from a file a
// training command influenced, so each is escaped for where it lands.
import { codeSpan, escapeText, renderTable } from '@mlship/report';
import type { Lineage, LineageData } from './lineage.ts';

export const LINEAGE_CARD_HEADING = '## Training lineage';

function dataDigest(d: LineageData): string {
  if (d.sha256) return codeSpan(`sha256:${d.sha256}`, { table: true });
  if (d.md5) return codeSpan(`md5:${d.md5}`, { table: true });
  return '';
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** The section, in markdown. */
export function lineageCardSection(lineage: Lineage): string {
  const { source, environment: env } = lineage;
  const run = env.runner;
  const gpus = env.gpus.length
    ? `${env.gpus.length} × ${escapeText(env.gpus[0]!.name)}${env.gpus[0]!.memoryTotalMiB === null ? '' : ` (${env.gpus[0]!.memoryTotalMiB} MiB)`}`
    : 'none';
  const facts: [string, string][] = [
    ['command', codeSpan(lineage.command, { table: true })],
    ...(source.commit ? [['commit', codeSpan(source.commit, { table: true })] as [string, string]] : []),
    ...(source.repository ? [['repository', escapeText(source.repository)] as [string, string]] : []),
    ...(source.pullRequest ? [['pull request', `#${source.pullRequest}`] as [string, string]] : []),
    // A URL read from a file, not one we were configured with: shown, not linked.
    ...(source.runUrl
      ? [
          ['workflow run', `${codeSpan(source.runUrl, { table: true })}, attempt ${source.runAttempt ?? 1}`] as [
            string,
            string,
          ],
        ]
      : []),
    ['seed', lineage.seed === undefined ? 'not set' : String(lineage.seed)],
    ['deterministic', lineage.deterministic ? 'yes' : 'no'],
    [
      'runner',
      escapeText(
        `${run.name ?? 'unnamed'}${run.environment ? ` (${run.environment})` : ''}${run.labels?.length ? `, labels ${run.labels.join(', ')}` : ''}`,
      ),
    ],
    ['machine', escapeText(`${run.os} ${run.arch}, ${run.cpuCount} × ${run.cpu}, ${gib(run.memoryBytes)} RAM`)],
    ['GPUs', gpus],
    ...(env.gpuDriver ? [['GPU driver', escapeText(env.gpuDriver)] as [string, string]] : []),
    ...(env.cudaVersion ? [['CUDA', escapeText(env.cudaVersion)] as [string, string]] : []),
    ...(env.containerImage
      ? [['container image', codeSpan(env.containerImage, { table: true })] as [string, string]]
      : []),
    ['config digest', codeSpan(`sha256:${lineage.configDigest}`, { table: true })],
  ];
  const parts = [
    LINEAGE_CARD_HEADING,
    renderTable(
      ['fact', 'value'],
      facts.map(([k, v]) => [k, { markdown: v }]),
    ),
  ];
  if (lineage.data.length)
    parts.push(
      '### Training data',
      renderTable(
        ['path', 'kind', 'digest', 'files'],
        lineage.data.map((d) => [d.path, d.kind, { markdown: dataDigest(d) }, d.files ?? '']),
        { align: ['left', 'left', 'left', 'right'] },
      ),
    );
  else parts.push('### Training data', '_No training data was named (the train step\u2019s `data` input)._');
  if (env.lockfiles.length)
    parts.push(
      '### Dependencies',
      renderTable(
        ['lockfile', 'sha256'],
        env.lockfiles.map((f) => [f.path, { markdown: codeSpan(f.sha256, { table: true }) }]),
      ),
    );
  return `${parts.join('\n\n')}\n`;
}

/** The card with the lineage section at its end (an earlier section, from a re-publish, is replaced). */
export function cardWithLineage(card: string, lineage: Lineage): string {
  const at = card.indexOf(`\n${LINEAGE_CARD_HEADING}\n`);
  const body = (at >= 0 ? card.slice(0, at) : card).trimEnd();
  return `${body ? `${body}\n\n` : ''}${lineageCardSection(lineage)}`;
}
