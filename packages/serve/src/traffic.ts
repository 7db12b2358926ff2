// Which versions serve and in what split. A request takes its models at its
// start and holds them to its end, so a swap never drops or mixes requests:
// a replaced version's session is released when its last request finishes.
import type { TrafficRequest, TrafficState } from '@mlship/deploy';
import { isUserError } from '@mlship/errors';
import { NotFoundError } from '@mlship/registry';
import type { FeedTensor, OutputTensor } from '@mlship/onnx';
import { ProtocolError } from './oip/protocol.ts';
import { DynamicBatcher, type BatchingOptions } from './model/dynamic-batcher.ts';
import { inputMismatch, type ServedModel } from './model/served-model.ts';

export class ModelHandle {
  readonly model: ServedModel;
  /** The version's runs: requests that arrive while one is in progress share the next. */
  readonly batcher: DynamicBatcher;
  private inflight = 0;
  private retired = false;

  constructor(model: ServedModel, batching: BatchingOptions, onRun?: (model: ServedModel) => void) {
    this.model = model;
    this.batcher = new DynamicBatcher(
      model,
      (feeds) => {
        onRun?.(model);
        return model.session.run(feeds);
      },
      batching,
    );
  }

  /** The model's outputs for one request's feeds (`rows` rows). */
  run(feeds: Record<string, FeedTensor>, rows: number): Promise<Record<string, OutputTensor>> {
    return this.batcher.run(feeds, rows);
  }

  acquire(): ModelHandle {
    this.inflight++;
    return this;
  }

  release(): void {
    this.inflight--;
    if (this.retired && this.inflight === 0) void this.model.session.release();
  }

  /** No new request takes it; its session goes when the requests holding it finish. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.inflight === 0) void this.model.session.release();
  }
}

export interface Routing {
  prod: ModelHandle;
  canary: ModelHandle | null;
  canaryWeight: number;
  shadow: boolean;
  since: Date;
}

/** Loads another version of the served model (from the registry), or undefined when versions come only from files. */
export type VersionLoader = (version: string) => Promise<ServedModel>;

export class Traffic {
  readonly modelName: string;
  private routing: Routing;
  private readonly loadVersion: VersionLoader | undefined;
  private readonly batching: BatchingOptions;
  private readonly onRun: ((model: ServedModel) => void) | undefined;
  private readonly now: () => number;
  private changes: Promise<unknown> = Promise.resolve();

  constructor(options: {
    prod: ServedModel;
    canary?: ServedModel | undefined;
    canaryWeight: number;
    shadow: boolean;
    loadVersion?: VersionLoader | undefined;
    batching: BatchingOptions;
    /** Called at every run of a model's session (one run may answer several requests). */
    onRun?: ((model: ServedModel) => void) | undefined;
    now: () => number;
  }) {
    const { prod, canary } = options;
    if (canary) {
      const why = inputMismatch(prod, canary);
      if (why) throw new ProtocolError(409, why);
    }
    this.modelName = prod.name;
    this.loadVersion = options.loadVersion;
    this.batching = options.batching;
    this.onRun = options.onRun;
    this.now = options.now;
    this.routing = {
      prod: new ModelHandle(prod, this.batching, this.onRun),
      canary: canary ? new ModelHandle(canary, this.batching, this.onRun) : null,
      canaryWeight: canary ? options.canaryWeight : 0,
      shadow: canary ? options.shadow : false,
      since: new Date(options.now()),
    };
  }

  /** The routing in force; hold what you use with acquire()/release(). */
  get current(): Routing {
    return this.routing;
  }

  /** The loaded model of a version (for /versions/{v} paths), if it serves. */
  handleOf(version: string): ModelHandle | undefined {
    const { prod, canary } = this.routing;
    if (prod.model.version === version) return prod;
    if (canary?.model.version === version) return canary;
    return undefined;
  }

  state(): TrafficState {
    const r = this.routing;
    return {
      model: this.modelName,
      prod: r.prod.model.version,
      canary: r.canary?.model.version ?? null,
      canaryWeight: r.canaryWeight,
      shadow: r.shadow,
      since: r.since.toISOString(),
    };
  }

  /** Applies a traffic request, loading versions not held yet; changes apply one at a time. */
  set(request: TrafficRequest): Promise<TrafficState> {
    const run = this.changes.then(() => this.apply(request));
    this.changes = run.catch(() => undefined);
    return run;
  }

  private async apply(request: TrafficRequest): Promise<TrafficState> {
    if (request.canary !== null && request.canary === request.prod)
      throw new ProtocolError(400, `canary ${request.canary} is also prod; give another version or null`);
    const was = this.routing;
    const prod = await this.handleFor(request.prod);
    let canary: ModelHandle | null = null;
    try {
      canary = request.canary === null ? null : await this.handleFor(request.canary);
      if (canary) {
        const why = inputMismatch(prod.model, canary.model);
        if (why) throw new ProtocolError(409, why);
      }
    } catch (error) {
      this.discard(prod, was);
      if (canary) this.discard(canary, was);
      throw error;
    }
    const next: Routing = {
      prod,
      canary,
      canaryWeight: canary ? request.canaryWeight : 0,
      shadow: canary ? request.shadow : false,
      since: was.since,
    };
    const changed =
      next.prod !== was.prod ||
      next.canary !== was.canary ||
      next.canaryWeight !== was.canaryWeight ||
      next.shadow !== was.shadow;
    if (!changed) return this.state();
    next.since = new Date(this.now());
    this.routing = next;
    for (const old of [was.prod, was.canary]) if (old && old !== next.prod && old !== next.canary) old.retire();
    return this.state();
  }

  private async handleFor(version: string): Promise<ModelHandle> {
    const held = this.handleOf(version);
    if (held) return held;
    if (!this.loadVersion)
      throw new ProtocolError(
        409,
        `version ${version} is not loaded, and this server serves model files (${this.state().prod}${this.routing.canary ? `, ${this.routing.canary.model.version}` : ''}); start it with a registry reference to switch versions`,
      );
    try {
      return new ModelHandle(await this.loadVersion(version), this.batching, this.onRun);
    } catch (error) {
      if (!isUserError(error)) throw error;
      throw new ProtocolError(error instanceof NotFoundError ? 404 : 409, error.message);
    }
  }

  /** A handle loaded for a change that failed: released unless it serves. */
  private discard(handle: ModelHandle, routing: Routing): void {
    if (handle !== routing.prod && handle !== routing.canary) handle.retire();
  }

  async close(): Promise<void> {
    await this.changes;
    this.routing.prod.retire();
    this.routing.canary?.retire();
  }
}
