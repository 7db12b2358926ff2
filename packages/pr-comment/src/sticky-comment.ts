// Create-or-update of one report comment per key, found in O(1) requests.
//
// A pointer in the PR/issue body (`<!-- mlship:comments {"key": "<node id>"} -->`)
// names the comment; one GraphQL request checks that it still exists, opens
// with this key's marker, belongs to this PR and was written by this token's
// identity. Only when the pointer is missing or wrong do we scan every comment
// (all pages), and then repair the pointer. Design and costs: docs/report.md.
import type { CommentId, CommentNode, StoredComment } from '@mlship/github';
import type { CommentStore } from './comment-store.ts';
import { commentPointer, isStickyBody, withCommentPointer, type ReportKey } from './sticky-marker.ts';
import type { ReportTarget } from './target.ts';

export type StickyAction = 'created' | 'updated' | 'unchanged';

export interface StickyResult {
  action: StickyAction;
  commentId: CommentId;
  commentUrl: string;
}

export interface StickyOptions {
  key: ReportKey;
  /** The PR/issue body from the event payload, tried before reading it. */
  bodyHint?: string | null | undefined;
  /** Reports a problem that does not fail the step (e.g. the pointer could not be saved). */
  warn?: (message: string) => void;
}

/** How often an ambiguous create (lost response, 5xx) is looked up and tried again. */
const MAX_CREATE_ATTEMPTS = 3;

type IssueTarget = ReportTarget & { kind: 'issue' };

/** Our report comment for the key on the target, as verified. */
function isOurs(node: CommentNode | undefined, target: ReportTarget, key: ReportKey): node is CommentNode {
  if (!node?.viewerDidAuthor || !isStickyBody(node.body, key)) return false;
  return target.kind === 'issue' ? node.issueNumber === target.number : node.commitSha?.startsWith(target.sha) === true;
}

/** The comment the pointer names, if it is really ours for this key and target. */
async function followPointer(
  store: CommentStore,
  target: IssueTarget,
  key: ReportKey,
  nodeId: string,
): Promise<StoredComment | undefined> {
  const node = (await store.commentNodes(target, [nodeId])).get(nodeId);
  if (!isOurs(node, target, key) || node.id === undefined) return undefined;
  return { id: node.id, nodeId: node.nodeId, body: node.body, htmlUrl: node.htmlUrl };
}

/** Oldest first: ids are decimal strings, past 2^53 on github.com, so they are compared as integers. */
function byId(a: StoredComment, b: StoredComment): number {
  return Number(BigInt(a.id) - BigInt(b.id));
}

/**
 * Every comment on the target that is ours for this key, oldest first. The
 * marker filter runs on the listed bodies, so authorship costs one GraphQL
 * request per 100 candidates (normally 0 or 1 candidates).
 */
async function scanAll(store: CommentStore, target: ReportTarget, key: ReportKey): Promise<StoredComment[]> {
  const candidates = (await store.listComments(target)).filter((c) => isStickyBody(c.body, key));
  if (candidates.length === 0) return [];
  const nodes = await store.commentNodes(
    target,
    candidates.map((c) => c.nodeId),
  );
  return candidates.filter((c) => isOurs(nodes.get(c.nodeId), target, key)).sort(byId);
}

/** A failure after which the comment may or may not exist. */
function isAmbiguous(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  return typeof status !== 'number' || status >= 500;
}

interface Posted extends StickyResult {
  nodeId: string;
}

async function createExactlyOnce(
  store: CommentStore,
  target: ReportTarget,
  key: ReportKey,
  body: string,
): Promise<Posted> {
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await store.createComment(target, body);
      return { action: 'created', commentId: created.id, commentUrl: created.htmlUrl, nodeId: created.nodeId };
    } catch (error) {
      if (!isAmbiguous(error) || attempt >= MAX_CREATE_ATTEMPTS) throw error;
      // The create may have landed before the connection failed: look before trying again.
      const [landed] = await scanAll(store, target, key);
      if (landed) return { ...(await updateIfChanged(store, target, landed, body)), action: 'created' };
    }
  }
}

async function updateIfChanged(
  store: CommentStore,
  target: ReportTarget,
  existing: StoredComment,
  body: string,
): Promise<Posted> {
  const same = { commentId: existing.id, commentUrl: existing.htmlUrl, nodeId: existing.nodeId };
  if (existing.body === body) return { action: 'unchanged', ...same };
  const updated = await store.updateComment(target, existing.id, body);
  return { action: 'updated', ...same, commentUrl: updated.htmlUrl || existing.htmlUrl };
}

/** Our other comments for the key (duplicates left by an older tool or a lost race), removed best-effort. */
async function removeDuplicates(
  store: CommentStore,
  duplicates: readonly StoredComment[],
  warn: (m: string) => void,
): Promise<void> {
  for (const duplicate of duplicates) {
    try {
      await store.deleteIssueComment(duplicate.id);
    } catch (error) {
      // 404: a parallel run removed it first.
      if ((error as { status?: unknown }).status === 404) continue;
      warn(`report: could not delete duplicate report comment ${duplicate.id} (${(error as Error).message})`);
      return;
    }
  }
}

/**
 * Runs of one key that create at the same instant each miss the others'
 * comments (and pointers). So right after a create every run looks once more
 * and converges on the oldest of our comments for the key: the newer ones
 * (its own included) are deleted and the report goes into the oldest. Nobody
 * deletes the oldest, so exactly one stays, and every run ends naming it.
 */
async function convergeOnOldest(
  store: CommentStore,
  target: IssueTarget,
  key: ReportKey,
  posted: Posted,
  body: string,
  warn: (m: string) => void,
): Promise<Posted> {
  const [oldest, ...newer] = await scanAll(store, target, key);
  if (!oldest) return posted;
  await removeDuplicates(store, newer, warn);
  if (oldest.nodeId === posted.nodeId) return posted;
  return { ...(await updateIfChanged(store, target, oldest, body)), action: 'updated' };
}

/**
 * Points the description at the comment, with the smallest possible write:
 * re-read the body just before, change only the pointer comment, skip when
 * already right. It runs after everything else this run writes, so a run's
 * last word on the pointer names the comment that stays. A body edited by a
 * person in the instant between read and write could lose that edit; the
 * window is one round trip, once per key per PR (docs/report.md).
 */
async function savePointer(
  store: CommentStore,
  target: IssueTarget,
  key: ReportKey,
  nodeId: string,
  warn: (m: string) => void,
): Promise<void> {
  try {
    const description = await store.readIssueBody(target.number);
    if (commentPointer(description, key) === nodeId) return;
    await store.writeIssueBody(target.number, withCommentPointer(description, key, nodeId));
  } catch (error) {
    warn(
      `report: the comment was posted, but its pointer could not be saved in #${target.number}'s description (${(error as Error).message}); the next update will scan the comments instead`,
    );
  }
}

interface Lookup {
  found: StoredComment | undefined;
  /** Our other comments for this key, found by a scan. */
  duplicates: StoredComment[];
  /** The pointer the lookup went by (undefined when none). */
  pointer: string | undefined;
}

/** 1 request when the event's body points at our comment; 2 when the current body does; a full scan otherwise. */
async function findExisting(
  store: CommentStore,
  target: IssueTarget,
  key: ReportKey,
  bodyHint: string | null | undefined,
): Promise<Lookup> {
  const hinted = commentPointer(bodyHint, key);
  if (hinted) {
    const comment = await followPointer(store, target, key, hinted);
    if (comment) return { found: comment, duplicates: [], pointer: hinted };
  }
  // The event's copy of the body may predate the pointer: read the current one.
  const pointer = commentPointer(await store.readIssueBody(target.number), key);
  if (pointer && pointer !== hinted) {
    const comment = await followPointer(store, target, key, pointer);
    if (comment) return { found: comment, duplicates: [], pointer };
  }
  const [found, ...duplicates] = await scanAll(store, target, key);
  return { found, duplicates, pointer };
}

function result({ action, commentId, commentUrl }: Posted): StickyResult {
  return { action, commentId, commentUrl };
}

/** Creates the key's comment on the target, or updates it in place. */
export async function upsertStickyComment(
  store: CommentStore,
  target: ReportTarget,
  body: string,
  options: StickyOptions,
): Promise<StickyResult> {
  const { key } = options;
  const warn = options.warn ?? (() => {});
  if (target.kind === 'commit') {
    // Commit comments have no body to hold a pointer; commits carry few comments.
    const [existing] = await scanAll(store, target, key);
    return result(
      existing
        ? await updateIfChanged(store, target, existing, body)
        : await createExactlyOnce(store, target, key, body),
    );
  }
  const { found, duplicates, pointer } = await findExisting(store, target, key, options.bodyHint);
  const posted = found
    ? await updateIfChanged(store, target, found, body)
    : await convergeOnOldest(store, target, key, await createExactlyOnce(store, target, key, body), body, warn);
  if (!found || posted.nodeId !== pointer) await savePointer(store, target, key, posted.nodeId, warn);
  await removeDuplicates(store, duplicates, warn);
  return result(posted);
}
