export type Status = 'pass' | 'fail' | 'warn' | 'inconclusive';

const BADGES: Record<Status, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  warn: '⚠️ warn',
  inconclusive: '❔ inconclusive',
};

/**
 * A status as text with an emoji: renders everywhere (comments, job
 * summaries, terminals, e-mail notifications) with no image host.
 */
export function statusBadge(status: Status, label?: string): string {
  return label === undefined ? BADGES[status] : `${BADGES[status].split(' ')[0]} ${label}`;
}
