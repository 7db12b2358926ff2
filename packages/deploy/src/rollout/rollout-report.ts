// The rollout as markdown: the job summary of every controller run and the
// evidence comment a rollback posts on the version's commit. Reasons and
// guardrail details carry strings from data (column names in drift findings,
// a runtime's messages): every string goes through the report package's
// escapers, table cells through renderTable's own.
import { escapeHeading, escapeText, markdownLink, renderTable, statusBadge, type Status } from '@mlship/report';
import { describeGate } from '../judge/labelled-gates.ts';
import type { Judgement } from '../judge/judge.ts';
import type { RolloutPlan } from '../plan.ts';
import type { RolloutEvent } from './rollout-event.ts';

export interface RolloutReportInput {
  event: RolloutEvent;
  plan: RolloutPlan;
  judgement?: Judgement | undefined;
  headline: string;
}

const PHASE_STATUS: Record<RolloutEvent['phase'], Status> = {
  step: 'inconclusive',
  inconclusive: 'warn',
  promoted: 'pass',
  'rolled-back': 'fail',
};

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : 'n/a');

function planText(plan: RolloutPlan): string {
  const first = plan.steps[0]!;
  return `${plan.steps.map((s) => `${s.weight}%`).join(' → ')} (each ≥ ${first.minRequests} canary requests and ${Math.round(first.minSeconds / 60)} min)`;
}

export function rolloutReport(input: RolloutReportInput): string {
  const { event, plan, judgement } = input;
  const badge = statusBadge(PHASE_STATUS[event.phase]).split(' ')[0];
  const parts = [
    `## ${badge} mlship deploy · ${escapeHeading(`${event.model} ${event.version}`)}`,
    escapeText(input.headline),
    renderTable(
      ['', 'value'],
      [
        ['phase', event.phase],
        ['step', `${event.step + 1} of ${plan.steps.length} (canary ${event.weight}%)`],
        ['prod', plan.prodVersion],
        ['deployment', String(event.deploymentId)],
        ['started', event.startedAt],
        ['plan', planText(plan)],
        ['evidence', plan.shadow ? 'shadow: both models score every request (paired)' : 'split traffic (unpaired)'],
      ],
    ),
  ];
  if (judgement) {
    const c = judgement.counts;
    const asOf = judgement.evidenceAsOf ? `; evidence as of ${judgement.evidenceAsOf}` : '';
    parts.push(
      `**Outcome: ${judgement.outcome}**${judgement.advance ? ' (next step)' : ''} — ${escapeText(
        `canary served ${c.canaryServed} requests (${c.stepServed} in this step), scored ${c.canaryScored}; prod scored ${c.prodScored}; ${c.labels} labelled requests${asOf}.`,
      )}`,
    );
    if (judgement.gates.length > 0)
      parts.push(
        `### Labelled gates\n\n${renderTable(
          ['gate', 'verdict', 'estimate', 'always-valid bounds', 'labels'],
          judgement.gates.map((g) => [
            describeGate(g.gate),
            g.verdict,
            fmt(g.estimate),
            Number.isFinite(g.bounds.halfWidth) ? `[${fmt(g.bounds.lower)}, ${fmt(g.bounds.upper)}]` : 'n/a',
            `${g.labels} ${g.mode === 'none' ? '' : g.mode}`.trim(),
          ]),
          { align: ['left', 'left', 'right', 'right', 'right'] },
        )}`,
      );
    if (judgement.guardrails.length > 0)
      parts.push(
        `### Guardrails\n\n${renderTable(
          ['guardrail', 'status', 'detail'],
          judgement.guardrails.map((g) => [g.name, g.status, g.detail]),
        )}`,
      );
  }
  const reasons = judgement ? judgement.reasons : event.reasons;
  if (reasons.length > 0)
    parts.push(
      `### Why\n\n${renderTable(
        ['#', 'reason'],
        reasons.map((r, i) => [String(i + 1), r]),
      )}`,
    );
  if (event.runUrl) parts.push(markdownLink('The run that took this step', event.runUrl));
  return `${parts.join('\n\n')}\n`;
}
