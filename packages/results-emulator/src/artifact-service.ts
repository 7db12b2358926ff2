// github.actions.results.api.v1.ArtifactService: artifacts of a workflow run,
// created, uploaded to blob storage, finalized, listed, downloaded and deleted
// by the job's runtime token. Conflict and lookup answers use the messages the
// service gives in real runs ("an artifact with this name already exists on
// the workflow run").
import { createHash } from 'node:crypto';
import type {
  CreateArtifactRequest,
  CreateArtifactResponse,
  DeleteArtifactRequest,
  DeleteArtifactResponse,
  FinalizeArtifactRequest,
  FinalizeArtifactResponse,
  GetSignedArtifactURLRequest,
  GetSignedArtifactURLResponse,
  ListArtifactsRequest,
  ListArtifactsResponse,
} from '../node_modules/@actions/artifact/lib/generated/index.js';
import { ARTIFACT_VERSIONS, artifactExpiry, artifactNameProblem } from './artifact-rules.ts';
import type { ArtifactRecord } from './state.ts';
import { TwirpError } from './twirp.ts';
import type { TwirpContext, TwirpHandler } from './twirp-context.ts';

export const ARTIFACT_CONTAINER = 'actions-results';
export const ARTIFACT_ACCOUNT = 'productionresultssa0';

const createArtifact: TwirpHandler<CreateArtifactRequest, CreateArtifactResponse> = (ctx, request) => {
  requireOwnJob(ctx, request);
  const nameProblem = artifactNameProblem(request.name);
  if (nameProblem) {
    ctx.violation(`CreateArtifact: ${nameProblem} (the client refuses such names before sending)`);
    throw new TwirpError('invalid_argument', nameProblem);
  }
  if (request.version < ARTIFACT_VERSIONS.min || request.version > ARTIFACT_VERSIONS.max)
    throw new TwirpError('invalid_argument', `unsupported artifact version ${request.version}`);
  const requestedExpiryMs = request.expiresAt ? timestampMs(request.expiresAt) : undefined;
  if (requestedExpiryMs !== undefined && requestedExpiryMs <= ctx.nowMs)
    throw new TwirpError('invalid_argument', 'expires_at must be in the future');
  const existing = ctx.state.artifacts.find((a) => a.runBackendId === ctx.run.runBackendId && a.name === request.name);
  // A job may start its own unfinished upload again; anything else of that name blocks it.
  if (existing && (existing.state === 'finalized' || existing.jobBackendId !== ctx.identity.jobBackendId))
    throw new TwirpError('already_exists', 'an artifact with this name already exists on the workflow run');
  if (existing) ctx.state.artifacts.splice(ctx.state.artifacts.indexOf(existing), 1);
  const mimeType = request.mimeType?.value || 'application/zip';
  const nameDigest = createHash('sha256').update(request.name).digest('hex');
  const artifact: ArtifactRecord = {
    name: request.name,
    repository: ctx.run.repository,
    runBackendId: ctx.run.runBackendId,
    jobBackendId: ctx.identity.jobBackendId,
    id: undefined,
    state: 'uploading',
    version: request.version,
    mimeType,
    blob: {
      account: ARTIFACT_ACCOUNT,
      container: ARTIFACT_CONTAINER,
      blob: `${ctx.run.runBackendId}/workflow-job-run-${ctx.identity.jobBackendId}/artifacts/${nameDigest}${mimeType === 'application/zip' ? '.zip' : ''}`,
    },
    size: 0,
    digest: undefined,
    createdMs: ctx.nowMs,
    expiresMs: artifactExpiry(requestedExpiryMs, ctx.nowMs, ctx.settings.retentionDays),
  };
  ctx.state.artifacts.push(artifact);
  return { ok: true, signedUploadUrl: ctx.signedUrl(artifact.blob, 'upload') };
};

const finalizeArtifact: TwirpHandler<FinalizeArtifactRequest, FinalizeArtifactResponse> = (ctx, request) => {
  requireOwnJob(ctx, request);
  const artifact = ctx.state.artifacts.find(
    (a) =>
      a.runBackendId === ctx.run.runBackendId &&
      a.jobBackendId === ctx.identity.jobBackendId &&
      a.name === request.name,
  );
  if (!artifact) throw new TwirpError('not_found', 'artifact not found');
  if (artifact.state === 'finalized') throw new TwirpError('already_exists', 'artifact is already finalized');
  const blob = ctx.blobs.get(artifact.blob);
  if (!blob) throw new TwirpError('failed_precondition', 'no content was uploaded for this artifact');
  if (request.size !== String(blob.size))
    throw new TwirpError('invalid_argument', `size ${request.size} does not match the ${blob.size} bytes uploaded`);
  const digest = `sha256:${ctx.blobs.digest(blob)}`;
  if (request.hash && request.hash.value !== digest)
    throw new TwirpError(
      'invalid_argument',
      `hash ${request.hash.value} does not match the uploaded content (${digest})`,
    );
  artifact.state = 'finalized';
  artifact.size = blob.size;
  artifact.digest = digest;
  artifact.id = ctx.ids.next('artifact');
  return { ok: true, artifactId: artifact.id };
};

const listArtifacts: TwirpHandler<ListArtifactsRequest, ListArtifactsResponse> = (ctx, request) => {
  requireOwnRun(ctx, request);
  const artifacts = visibleArtifacts(ctx).filter(
    (a) =>
      (request.nameFilter === undefined || a.name === request.nameFilter.value) &&
      (request.idFilter === undefined || a.id === request.idFilter.value),
  );
  return {
    artifacts: artifacts.map((a) => ({
      workflowRunBackendId: a.runBackendId,
      workflowJobRunBackendId: a.jobBackendId,
      databaseId: a.id ?? '0',
      name: a.name,
      size: String(a.size),
      createdAt: timestamp(a.createdMs),
      ...(a.digest ? { digest: { value: a.digest } } : {}),
    })),
  };
};

const getSignedArtifactURL: TwirpHandler<GetSignedArtifactURLRequest, GetSignedArtifactURLResponse> = (
  ctx,
  request,
) => {
  const artifact = findArtifact(ctx, request);
  const fileName = artifact.mimeType === 'application/zip' ? `${artifact.name}.zip` : artifact.name;
  const disposition = `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
  return { signedUrl: ctx.signedUrl(artifact.blob, 'download', disposition) };
};

const deleteArtifact: TwirpHandler<DeleteArtifactRequest, DeleteArtifactResponse> = (ctx, request) => {
  const artifact = findArtifact(ctx, request);
  ctx.state.artifacts.splice(ctx.state.artifacts.indexOf(artifact), 1);
  ctx.blobs.delete(artifact.blob);
  return { ok: true, artifactId: artifact.id ?? '0' };
};

export const artifactHandlers: Record<string, TwirpHandler<never, unknown>> = {
  CreateArtifact: createArtifact,
  FinalizeArtifact: finalizeArtifact,
  ListArtifacts: listArtifacts,
  GetSignedArtifactURL: getSignedArtifactURL,
  DeleteArtifact: deleteArtifact,
};

interface RunAddressed {
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

/** Creating and finalizing are the job's own: its token's run and job. */
function requireOwnJob(ctx: TwirpContext, request: RunAddressed): void {
  requireOwnRun(ctx, request);
  if (request.workflowJobRunBackendId !== ctx.identity.jobBackendId)
    throw new TwirpError('permission_denied', 'the runtime token does not grant access to this workflow job run');
}

/** Reading, listing and deleting reach any job's artifacts of the token's run. */
function requireOwnRun(ctx: TwirpContext, request: RunAddressed): void {
  if (!request.workflowRunBackendId || !request.workflowJobRunBackendId) {
    ctx.violation('workflow_run_backend_id and workflow_job_run_backend_id are required');
    throw new TwirpError('invalid_argument', 'workflow_run_backend_id and workflow_job_run_backend_id are required');
  }
  if (request.workflowRunBackendId !== ctx.identity.runBackendId)
    throw new TwirpError('permission_denied', 'the runtime token does not grant access to this workflow run');
}

function visibleArtifacts(ctx: TwirpContext): ArtifactRecord[] {
  return ctx.state.artifacts
    .filter((a) => a.runBackendId === ctx.run.runBackendId && a.state === 'finalized' && a.expiresMs > ctx.nowMs)
    .sort((a, b) => (BigInt(a.id ?? 0) < BigInt(b.id ?? 0) ? -1 : 1));
}

function findArtifact(ctx: TwirpContext, request: RunAddressed & { name: string }): ArtifactRecord {
  requireOwnRun(ctx, request);
  const artifact = visibleArtifacts(ctx).find(
    (a) => a.jobBackendId === request.workflowJobRunBackendId && a.name === request.name,
  );
  if (!artifact) throw new TwirpError('not_found', 'artifact not found');
  return artifact;
}

function timestampMs(value: { seconds: string; nanos: number }): number {
  return Number(value.seconds) * 1000 + Math.floor(value.nanos / 1e6);
}

function timestamp(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}
