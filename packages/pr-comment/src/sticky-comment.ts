// Create-or-update of one report comment per key, found in O(1) requests.
//
// A pointer in the PR/issue body (`<!-- mlship:comments {"key": "<node id>"} -->`)
// names the comment; one GraphQL request checks that it still exists, still
// carries this key's marker, belongs to this PR and was written by this
// token's identity. Only when the pointer is missing or wrong do we scan every
// comment (all pages), and then repair the pointer. Design and costs: docs/report.md.
import { commentPointer, hasStickyMarker, withCommentPointer } from '@mlship/report';
import type { CommentNode } from '@mlship/github';
import type { CommentStore } from './comment-store.ts';
import type { ReportTarget } from './target.ts';

export type StickyAction = 'created' | 'updated' | 'unchanged';

export interface StickyResult {
  action: StickyAction;
  commentId: number;
  commentUrl: string;
}

export interface StickyOptions {
  key: string;
  /** The PR/issue body from the event payload, tried before reading it. */
  bodyHint?: string | null | undefined;
  /** Reports a problem that does not fail the step (e.g. the pointer could not be saved). */
  warn?: (message: string) => void;
}

/** How often an ambiguous create (lost response, 5xx) is looked up and tried again. */
const MAX_CREATE_ATTEMPTS = 3;

function isOurs(node: CommentNode | undefined, target: ReportTarget, key: string): node is CommentNode {
  if (!node?.viewerDidAuthor || !hasStickyMarker(node.body, key)) return false;
  return target.kind === 'issue' ? node.issueNumber === target.number : node.commitSha?.startsWith(target.sha) === true;
}

/** The comment the pointer names, if it is really ours for this key and target. */
async function followPointer(
  store: CommentStore,
  target: ReportTarget,
  key: string,
  nodeId: string,
): Promise<CommentNode | undefined> {
  const node = (await store.commentNodes(target, [nodeId])).get(nodeId);
  return isOurs(node, target, key) ? node : undefined;
}

/**
 * Every comment on the target with this key's marker, written by us, oldest
 * first. The marker filter runs on the listed bodies, so authorship costs one
 * GraphQL request per 100 candidates (normally 0 or 1 candidates).
 */
async function scanAll(store: CommentStore, target: ReportTarget, key: string): Promise<CommentNode[]> {
  const candidates = (await store.listComments(target)).filter((c) => hasStickyMarker(c.body, key));
  if (candidates.length === 0) return [];
  const nodes = await store.commentNodes(
    target,
    candidates.map((c) => c.nodeId),
  );
  return candidates
    .map((c) => nodes.get(c.nodeId))
    .filter((n): n is CommentNode => n?.viewerDidAuthor === true && hasStickyMarker(n.body, key))
    .sort((a, b) => a.id - b.id);
}

async function scan(store: CommentStore, target: ReportTarget, key: string): Promise<CommentNode | undefined> {
  return (await scanAll(store, target, key))[0];
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
  key: string,
  body: string,
): Promise<Posted> {
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await store.createComment(target, body);
      return { action: 'created', commentId: created.id, commentUrl: created.htmlUrl, nodeId: created.nodeId };
    } catch (error) {
      if (!isAmbiguous(error) || attempt >= MAX_CREATE_ATTEMPTS) throw error;
      // The create may have landed before the connection failed: look before trying again.
      const landed = await scan(store, target, key);
      if (landed) return { ...(await updateIfChanged(store, target, landed, body)), action: 'created' };
    }
  }
}

async function updateIfChanged(
  store: CommentStore,
  target: ReportTarget,
  existing: CommentNode,
  body: string,
): Promise<Posted> {
  const same = { commentId: existing.id, commentUrl: existing.htmlUrl, nodeId: existing.nodeId };
  if (existing.body === body) return { action: 'unchanged', ...same };
  const updated = await store.updateComment(target, existing.id, body);
  return { action: 'updated', ...same, commentUrl: updated.htmlUrl || existing.htmlUrl };
}

/**
 * Saves the pointer with the smallest possible write: re-read the body just
 * before, change only the pointer comment, skip when already right. A body
 * edited by a person in the instant between read and write could lose that
 * edit; the window is one round trip, once per key per PR (docs/report.md).
 *
 * When we just created the comment and the body already points at another
 * comment of ours for this key, a concurrent run of the same key created it
 * first: ours is deleted and the report goes into theirs, so one comment stays.
 */
async function savePointer(
  store: CommentStore,
  target: IssueTarget,
  key: string,
  posted: Posted,
  body: string,
  warn: (m: string) => void,
): Promise<Posted> {
  try {
    const description = await store.readIssueBody(target.number);
    const current = commentPointer(description, key);
    if (current === posted.nodeId) return posted;
    if (current && posted.action === 'created') {
      const first = await followPointer(store, target, key, current);
      if (first) {
        await store.deleteIssueComment(posted.commentId);
        return { ...(await updateIfChanged(store, target, first, body)), action: 'updated' };
      }
    }
    await store.writeIssueBody(target.number, withCommentPointer(description, key, posted.nodeId));
  } catch (error) {
    warn(
      `report: the comment was posted, but its pointer could not be saved in #${target.number}'s description (${(error as Error).message}); the next update will scan the comments instead`,
    );
  }
  return posted;
}

/** Our other comments for the key (duplicates left by an older tool or a lost race), removed best-effort. */
async function removeDuplicates(
  store: CommentStore,
  duplicates: readonly CommentNode[],
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
 * Runs of one key that create at the same instant each miss the others' comments
 * (and their pointers), and a valid pointer means later runs never scan again.
 * So right after a create every run looks once more and converges on the oldest
 * of our comments for the key: the others are deleted, the report goes into the
 * oldest, and the pointer names it. Nobody deletes the oldest, so one always stays.
 */
async function settleCreateRace(
  store: CommentStore,
  target: IssueTarget,
  key: string,
  posted: Posted,
  body: string,
  warn: (m: string) => void,
): Promise<Posted> {
  const [oldest, ...newer] = await scanAll(store, target, key);
  if (!oldest || newer.length === 0) return posted;
  await removeDuplicates(store, newer, warn);
  const settled =
    oldest.nodeId === posted.nodeId
      ? posted
      : { ...(await updateIfChanged(store, target, oldest, body)), action: 'updated' as const };
  try {
    const description = await store.readIssueBody(target.number);
    if (commentPointer(description, key) !== oldest.nodeId)
      await store.writeIssueBody(target.number, withCommentPointer(description, key, oldest.nodeId));
  } catch (error) {
    warn(
      `report: the comment was posted, but its pointer could not be saved in #${target.number}'s description (${(error as Error).message}); the next update will scan the comments instead`,
    );
  }
  return settled;
}

type IssueTarget = ReportTarget & { kind: 'issue' };

interface Lookup {
  found: CommentNode | undefined;
  /** Our other comments for this key, found by a scan. */
  duplicates: CommentNode[];
  /** The pointer currently in the body (undefined when none). */
  pointer: string | undefined;
}

/** 1 request when the event's body points at our comment; 2 when the current body does; a full scan otherwise. */
async function findExisting(
  store: CommentStore,
  target: IssueTarget,
  key: string,
  bodyHint: string | null | undefined,
): Promise<Lookup> {
  const hinted = commentPointer(bodyHint, key);
  if (hinted) {
    const node = await followPointer(store, target, key, hinted);
    if (node) return { found: node, duplicates: [], pointer: hinted };
  }
  // The event's copy of the body may predate the pointer: read the current one.
  const pointer = commentPointer(await store.readIssueBody(target.number), key);
  if (pointer && pointer !== hinted) {
    const node = await followPointer(store, target, key, pointer);
    if (node) return { found: node, duplicates: [], pointer };
  }
  const [found, ...duplicates] = await scanAll(store, target, key);
  return { found, duplicates, pointer };
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
    const existing = await scan(store, target, key);
    const { nodeId: _, ...result } = existing
      ? await updateIfChanged(store, target, existing, body)
      : await createExactlyOnce(store, target, key, body);
    return result;
  }
  const { found, duplicates, pointer } = await findExisting(store, target, key, options.bodyHint);
  let posted = found
    ? await updateIfChanged(store, target, found, body)
    : await createExactlyOnce(store, target, key, body);
  if (posted.nodeId !== pointer) posted = await savePointer(store, target, key, posted, body, warn);
  if (posted.action === 'created') posted = await settleCreateRace(store, target, key, posted, body, warn);
  await removeDuplicates(store, duplicates, warn);
  const { nodeId: _, ...result } = posted;
  return result;
}
