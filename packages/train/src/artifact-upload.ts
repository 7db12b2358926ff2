// The training's outputs uploaded as one workflow artifact with the real
// @actions/artifact client, for the validate job to download.
import { DefaultArtifactClient } from '@actions/artifact';
import { UserError } from '@mlship/errors';

export async function uploadTrainingArtifact(
  name: string,
  files: string[],
  rootDirectory: string,
  retentionDays?: number,
): Promise<{ id?: number; size?: number }> {
  try {
    const uploaded = await new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory, {
      ...(retentionDays === undefined ? {} : { retentionDays }),
    });
    return {
      ...(uploaded.id === undefined ? {} : { id: uploaded.id }),
      ...(uploaded.size === undefined ? {} : { size: uploaded.size }),
    };
  } catch (error) {
    throw new UserError(
      `the model was trained but the artifact '${name}' could not be uploaded (${(error as Error).message}); re-run the job (its checkpoint lets it resume) or check artifact-name`,
      { cause: error },
    );
  }
}
