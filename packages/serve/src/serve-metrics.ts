// Prometheus metrics in the text exposition format (prom-client): requests,
// errors and a latency histogram per model version and arm, on the same
// bucket bounds as the evidence, for teams that scrape /metrics.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LATENCY_BOUNDS_MS } from './evidence/latency-histogram.ts';

export class ServeMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'model' | 'version' | 'arm'>;
  private readonly errors: Counter<'model' | 'version' | 'arm'>;
  private readonly latency: Histogram<'model' | 'version' | 'arm'>;
  private readonly refused: Counter<'status'>;
  private readonly runs: Counter<'model' | 'version'>;
  readonly labels: Counter<'model'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mlship_serve_' });
    const registers = [this.registry];
    const labelNames = ['model', 'version', 'arm'] as const;
    this.requests = new Counter({
      name: 'mlship_inference_requests_total',
      help: 'Inference requests scored, by model version and arm (prod, canary, shadow)',
      labelNames,
      registers,
    });
    this.errors = new Counter({
      name: 'mlship_inference_errors_total',
      help: 'Inference requests that failed inside the model, by version and arm',
      labelNames,
      registers,
    });
    this.latency = new Histogram({
      name: 'mlship_inference_duration_seconds',
      help: 'Time inside the model per request, by version and arm',
      labelNames,
      buckets: LATENCY_BOUNDS_MS.map((ms) => ms / 1000),
      registers,
    });
    this.refused = new Counter({
      name: 'mlship_requests_refused_total',
      help: 'Requests answered with an error before any model ran (malformed, unknown model), by HTTP status',
      labelNames: ['status'],
      registers,
    });
    this.runs = new Counter({
      name: 'mlship_model_runs_total',
      help: 'Runs of a model version (one run may answer several requests: micro-batching), with shadow runs',
      labelNames: ['model', 'version'],
      registers,
    });
    this.labels = new Counter({
      name: 'mlship_feedback_labels_total',
      help: 'Labels received through the feedback endpoint and matched to a prediction',
      labelNames: ['model'],
      registers,
    });
  }

  /** Each label set's children, looked up once rather than hashed on every request. */
  private readonly children = new Map<
    string,
    { requests: { inc(): void }; errors: { inc(): void }; latency: { observe(v: number): void } }
  >();

  scored(model: string, version: string, arm: string, latencyMs: number, failed: boolean): void {
    const key = `${model}\u0000${version}\u0000${arm}`;
    let child = this.children.get(key);
    if (!child) {
      const labels = { model, version, arm };
      child = {
        requests: this.requests.labels(labels),
        errors: this.errors.labels(labels),
        latency: this.latency.labels(labels),
      };
      this.children.set(key, child);
    }
    child.requests.inc();
    if (failed) child.errors.inc();
    child.latency.observe(latencyMs / 1000);
  }

  /** Each version's counter, looked up once. */
  private readonly runCounters = new Map<string, { inc(): void }>();

  ran(model: string, version: string): void {
    const key = `${model}\u0000${version}`;
    let counter = this.runCounters.get(key);
    if (!counter) this.runCounters.set(key, (counter = this.runs.labels({ model, version })));
    counter.inc();
  }

  refusedRequest(status: number): void {
    this.refused.inc({ status: String(status) });
  }
}
