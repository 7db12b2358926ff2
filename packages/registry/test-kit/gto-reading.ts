// How GTO (iterative/gto 1.9, `gto show`) reads a repository's tags, written
// from its source (gto/tag.py, gto/base.py) so tests can check that GTO sees
// the registry mlship wrote: which versions exist at which commits, and which
// version holds each stage. Only annotated tags count; they are indexed in the
// order of their date in whole seconds; a stage tag names no version, GTO
// finds the version by the commit the tag points at, and two registered
// versions at one commit fail the whole artifact (ManyVersions).
import type { GitHubEmulator, RepoHandle } from '@mlship/github-emulator';
import { compareVersions } from '../src/version-bump.ts';
import { parseGtoTag } from '../src/tag-grammar.ts';

export interface GtoTagRead {
  tag: string;
  /** The commit the annotated tag points at. */
  target: string;
  /** The tagger date in whole seconds, as git stores it. */
  seconds: number;
}

export class ManyVersionsError extends Error {}

/** The annotated tags of an emulated repository, as git would list them (by name). */
export function gtoTags(gh: GitHubEmulator, repo: RepoHandle): GtoTagRead[] {
  const record = gh.repo(repo);
  const tags: GtoTagRead[] = [];
  for (const ref of record.refs.values()) {
    if (!ref.ref.startsWith('refs/tags/') || ref.objectType !== 'tag') continue;
    const object = record.tagObjects.get(ref.sha)!;
    tags.push({
      tag: ref.ref.slice('refs/tags/'.length),
      target: object.object.sha,
      seconds: Math.floor(Date.parse(object.tagger.date) / 1000),
    });
  }
  return tags.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

interface StageEvents {
  assigned: number[];
  unassigned: number[];
}

class GtoVersion {
  readonly registrations: number[] = [];
  readonly deregistrations: number[] = [];
  readonly stages = new Map<string, StageEvents>();
  readonly version: string;
  readonly commit: string;
  constructor(version: string, commit: string) {
    this.version = version;
    this.commit = commit;
  }
  /** A version only stage tags mention (GTO's "discovered"), named by its commit. */
  get discovered(): boolean {
    return this.registrations.length + this.deregistrations.length === 0;
  }
  get active(): boolean {
    if (this.discovered) return this.stages.size > 0;
    // Sorted by time with registrations first, then reversed: a tie goes to the deregistration.
    return latestIsAddition(this.registrations, this.deregistrations);
  }
  stage(name: string): StageEvents {
    let events = this.stages.get(name);
    if (!events) this.stages.set(name, (events = { assigned: [], unassigned: [] }));
    return events;
  }
}

/** GTO's rule for "active": the latest event is an addition; at equal times the removal wins. */
function latestIsAddition(additions: number[], removals: number[]): boolean {
  const latestAddition = Math.max(...additions);
  const latestRemoval = Math.max(...removals);
  return additions.length > 0 && latestAddition > latestRemoval;
}

export interface GtoView {
  /** Registered (and discovered) versions GTO holds, with their commits. */
  versions: { version: string; commit: string }[];
  /** Stage -> version, as `gto show NAME` prints it (the most recently assigned active version). */
  stages: Record<string, string>;
  deprecated: boolean;
}

/** What GTO reads for one artifact from the tags; throws ManyVersionsError where GTO would. */
export function gtoView(tags: readonly GtoTagRead[], artifact: string): GtoView {
  const versions: GtoVersion[] = [];
  const deprecations: number[] = [];
  // find() sorts the tag list by tag time; Python's sort is stable, so equal times keep list order.
  const ordered = tags
    .map((t, i) => ({ ...t, i, parsed: parseGtoTag(t.tag) }))
    .filter((t) => t.parsed?.name === artifact)
    .sort((a, b) => a.seconds - b.seconds || a.i - b.i);

  const find = (name: string | undefined, commit: string): GtoVersion => {
    const found = versions.filter((v) => (name ? v.version === name : true) && v.commit === commit && !v.discovered);
    if (found.length > 1)
      throw new ManyVersionsError(`${artifact}: versions ${found.map((v) => v.version).join(', ')} at ${commit}`);
    if (found[0]) return found[0];
    const created = new GtoVersion(name ?? commit, commit);
    versions.push(created);
    return created;
  };

  for (const t of ordered) {
    const p = t.parsed!;
    if (p.action === 'deprecate') deprecations.push(t.seconds);
    else if (p.action === 'register') find(p.version, t.target).registrations.push(t.seconds);
    else if (p.action === 'deregister') find(p.version, t.target).deregistrations.push(t.seconds);
    else {
      const version = find(undefined, t.target).version;
      const events = find(version, t.target).stage(p.stage!);
      (p.action === 'assign' ? events.assigned : events.unassigned).push(t.seconds);
    }
  }

  // get_vstages(sort=Timestamp, versions_per_stage=1): active versions newest first, each one's
  // active stage assignments, then all of them newest assignment first (Python's stable sort,
  // reversed: at equal times the later in the list comes first); the first per stage holds it.
  const createdAt = (v: GtoVersion) =>
    v.registrations.length > 0
      ? Math.max(...v.registrations)
      : Math.max(...[...v.stages.values()].flatMap((e) => [...e.assigned, ...e.unassigned]));
  const newestFirst = <T>(items: T[], time: (item: T) => number): T[] =>
    items
      .map((item, i) => ({ item, i }))
      .sort((a, b) => time(a.item) - time(b.item) || a.i - b.i)
      .map((x) => x.item)
      .reverse();
  const assignments = newestFirst(
    versions.filter((v) => v.active),
    createdAt,
  ).flatMap((v) =>
    [...v.stages.entries()]
      .filter(([, e]) => latestIsAddition(e.assigned, e.unassigned))
      .map(([stage, e]) => ({ stage, version: v.version, assignedAt: Math.max(...e.assigned) }))
      .sort((a, b) => a.assignedAt - b.assignedAt),
  );
  const holders = newestFirst(assignments, (a) => a.assignedAt);
  const stages: Record<string, string> = {};
  for (const h of holders) stages[h.stage] ??= h.version;

  return {
    versions: versions
      .filter((v) => !v.discovered)
      .map((v) => ({ version: v.version, commit: v.commit }))
      .sort((a, b) => compareVersions(a.version, b.version)),
    stages,
    deprecated: deprecations.length > 0,
  };
}
