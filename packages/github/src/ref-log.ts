// An append-only log on git refs, for state that must change by
// compare-and-swap: entry N of a key is `refs/{entries}/{key}/{N}`, an
// annotated tag object whose message holds the entry. Creating that ref is
// atomic on GitHub (`POST /git/refs` answers 422 when it exists), so of two
// writers of entry N exactly one wins, and the other re-reads. `refs/{head}/{key}`
// points at the newest entry, so the latest is found in a fixed number of
// reads however long the log grows. Custom ref namespaces are not
// garbage-collected and not fetched by default clones.
import { randomUUID } from 'node:crypto';
import type { GitHubClient } from './client.ts';
import type { RepoRef } from './repo-ref.ts';

export interface RefLogEntry {
  seq: number;
  /** The entry as written (the tag object's message without the write's trailer). */
  message: string;
  /** The tag object's sha. */
  sha: string;
}

export interface RefLogOptions {
  /** Ref namespace of the entries, without `refs/`, e.g. `mlship/rollouts`. */
  entries: string;
  /** Ref namespace of the head pointers, e.g. `mlship/rollout-head`. */
  head: string;
}

const WRITE_TRAILER = 'mlship-write: ';

// A stale head is a few entries behind at most (writers move it right after
// appending); the bound turns a corrupt log into an error instead of a loop.
const MAX_ENTRIES_BEHIND_HEAD = 1000;

export class RefLog {
  private readonly client: GitHubClient;
  private readonly repo: RepoRef;
  private readonly options: RefLogOptions;

  constructor(client: GitHubClient, repo: RepoRef, options: RefLogOptions) {
    this.client = client;
    this.repo = repo;
    this.options = options;
  }

  /** The newest entry of a key, or null when the key has none. Moves a stale head forward. */
  async latest(key: string): Promise<RefLogEntry | null> {
    let entry: RefLogEntry | null = await this.readAt(`${this.options.head}/${key}`);
    const headSha = entry?.sha;
    for (let i = 0; i < MAX_ENTRIES_BEHIND_HEAD; i++) {
      const next = await this.read(key, (entry?.seq ?? 0) + 1);
      if (!next) {
        if (entry && entry.sha !== headSha) await this.moveHead(key, entry.sha);
        return entry && { seq: entry.seq, message: entry.message, sha: entry.sha };
      }
      entry = next;
    }
    throw new Error(
      `refs/${this.options.entries}/${key} runs more than ${MAX_ENTRIES_BEHIND_HEAD} entries past its head`,
    );
  }

  async read(key: string, seq: number): Promise<RefLogEntry | null> {
    return this.readAt(`${this.options.entries}/${key}/${seq}`);
  }

  /**
   * Writes entry `seq`: true when this write holds it now (a retry of it included),
   * false when another writer took it first.
   */
  async append(key: string, seq: number, entry: { message: string; commit: string }): Promise<boolean> {
    // Two writers may write the very same entry; the trailer tells this write's retry from the other writer's.
    const write = randomUUID();
    const tag = await this.client.rest.git.createTag({
      ...this.repo,
      tag: `${this.options.entries}/${key}/${seq}`,
      message: `${entry.message.trimEnd()}\n\n${WRITE_TRAILER}${write}\n`,
      object: entry.commit,
      type: 'commit',
    });
    const ref = `refs/${this.options.entries}/${key}/${seq}`;
    try {
      await this.client.rest.git.createRef({ ...this.repo, ref, sha: tag.data.sha });
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      const holder = await this.readAt(ref.slice('refs/'.length));
      // An earlier try of this very write, whose answer was lost, holds the ref with this write's trailer.
      if (!holder || holder.write !== write) return false;
      await this.moveHead(key, holder.sha);
      return true;
    }
    await this.moveHead(key, tag.data.sha);
    return true;
  }

  private async moveHead(key: string, sha: string): Promise<void> {
    const ref = `${this.options.head}/${key}`;
    try {
      await this.client.rest.git.updateRef({ ...this.repo, ref, sha, force: true });
    } catch (error) {
      if (statusOf(error) !== 422 && statusOf(error) !== 404) throw error;
      try {
        await this.client.rest.git.createRef({ ...this.repo, ref: `refs/${ref}`, sha });
      } catch (again) {
        // Another writer created the head meanwhile: move it.
        if (statusOf(again) !== 422) throw again;
        await this.client.rest.git.updateRef({ ...this.repo, ref, sha, force: true });
      }
    }
  }

  private async readAt(ref: string): Promise<(RefLogEntry & { write: string | undefined }) | null> {
    let sha: string;
    try {
      sha = (await this.client.rest.git.getRef({ ...this.repo, ref })).data.object.sha;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
    const tag = await this.client.rest.git.getTag({ ...this.repo, tag_sha: sha });
    // The tag object is named after its entry's ref, so a head read knows the seq too.
    const seq = Number(/\/(\d+)$/.exec(tag.data.tag)?.[1]);
    const trailer = tag.data.message.lastIndexOf(`\n\n${WRITE_TRAILER}`);
    return trailer < 0
      ? { seq, message: tag.data.message, sha, write: undefined }
      : {
          seq,
          message: `${tag.data.message.slice(0, trailer)}\n`,
          sha,
          write: tag.data.message.slice(trailer + 2 + WRITE_TRAILER.length).trim(),
        };
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
