// The train action's post step: the runner runs it after the main step even
// when that step failed, timed out or was cancelled. If the main step could
// not store the command's last checkpoint (cut short by a cancellation, or
// the store failed), it is saved here, so the next attempt resumes from it.
import { CheckpointSaver, type CheckpointSave } from './checkpoint/checkpoint-saver.ts';
import type { CheckpointStore } from './checkpoint/checkpoint-store.ts';
import type { CheckpointState } from './train.ts';
import { isAbsolute, resolve } from 'node:path';

export async function saveCheckpointInPost(
  state: CheckpointState | undefined,
  store: CheckpointStore,
  workspace: string,
): Promise<{ save: CheckpointSave | undefined; reason: string }> {
  if (!state) return { save: undefined, reason: 'no checkpoint directory' };
  if (state.done) return { save: undefined, reason: 'the main step saved the last checkpoint' };
  const saver = new CheckpointSaver({
    store,
    dir: isAbsolute(state.dir) ? state.dir : resolve(workspace, state.dir),
    prefix: state.prefix,
    run: { id: state.runId, attempt: state.attempt },
    firstSequence: state.nextSequence,
    ...(state.lastStored ? { lastStored: state.lastStored } : {}),
    quietMs: 0,
  });
  const save = await saver.save('post');
  return { save, reason: save ? '' : 'nothing changed since the last stored checkpoint' };
}
