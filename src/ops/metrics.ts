/**
 * Prometheus metrics for response-time monitoring. One Registry per app: two apps in one process
 * (tests) never share a counter, and nothing is registered on prom-client's global registry.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Why a request was answered without being served (throttle, maintenance, shutdown). */
export type RejectReason = 'rate_limited' | 'shed' | 'maintenance' | 'draining';

export interface RequestObservation {
  /** getstructuredrecord, metadata, or "unknown" for a request that matched no endpoint. */
  readonly interaction: string;
  /** HTTP status, or "aborted" when the connection ended before an answer was written. */
  readonly status: string;
  /** Spine code of an error response; "none" for a success. */
  readonly spineCode: string;
  /** Validated Ssp-From, or "unknown" when the headers failed. */
  readonly consumerAsid: string;
  /** The practice the request was for, or "unknown" before the store knew it. */
  readonly practiceOds: string;
  readonly durationSeconds: number;
  /** Time this request spent in the repository, when it reached it. */
  readonly repositorySeconds?: number;
  /** Serialised Bundle size, when a Bundle was built. */
  readonly bundleBytes?: number;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC): on in the service, off in tests. */
  readonly processMetrics?: boolean;
  /** Read at scrape time, so the gauges are always exact without per-request bookkeeping. */
  readonly inFlight: () => number;
  readonly maxInFlight: number;
  readonly queueDelaySeconds: () => number;
  readonly maintenance: () => boolean;
  readonly software: { readonly version: string; readonly gpConnectVersion: string };
}

/**
 * A consumer ASID is a label only once Ssp-From has validated as an ASID (12 digits at most; anything
 * else is "unknown"); ASIDs are not known in advance, so at most this many distinct ones get a label of
 * their own and the rest share "other". A caller inventing ASIDs grows /metrics by a bounded amount.
 */
export const MAX_CONSUMER_LABELS = 100;
/** Practices labelled one by one in gpc_practice_requests_total; beyond it they count as `other`. */
const MAX_PRACTICE_LABELS = 5000;

/** Seconds; the 1 s and 3 s buckets are the spec's SHOULD and SHALL for a query API (Non-functional
 * requirements). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];
/** Bytes, 1 KB to 32 MB in powers of 4. */
const SIZE_BUCKETS = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 33554432];

export class Metrics {
  readonly registry = new Registry();
  private readonly consumers = new Set<string>();
  private readonly duration: Histogram<'interaction' | 'status' | 'spine_code' | 'consumer_asid'>;
  private readonly repositoryTime: Histogram<'interaction'>;
  private readonly bundleSize: Histogram;
  private readonly rejected: Counter<'reason'>;
  private readonly practiceRequests: Counter<'practice_ods' | 'status'>;
  private readonly practices = new Set<string>();

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.duration = new Histogram({
      name: 'gpc_http_request_duration_seconds',
      help: 'Time from the request reaching the service to the last byte of the answer, by interaction, HTTP status, Spine code and consumer ASID',
      labelNames: ['interaction', 'status', 'spine_code', 'consumer_asid'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.repositoryTime = new Histogram({
      name: 'gpc_repository_duration_seconds',
      help: 'Time one request spent in the clinical repository (part of gpc_http_request_duration_seconds)',
      labelNames: ['interaction'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.bundleSize = new Histogram({
      name: 'gpc_bundle_size_bytes',
      help: 'Size of the serialised structured-record Bundle, before compression',
      buckets: SIZE_BUCKETS,
      registers,
    });
    this.practiceRequests = new Counter({
      name: 'gpc_practice_requests_total',
      help: 'FHIR requests by the practice they were for (ODS code; unknown before the practice is known) and HTTP status',
      labelNames: ['practice_ods', 'status'],
      registers,
    });
    this.rejected = new Counter({
      name: 'gpc_requests_rejected_total',
      help: 'Requests answered at once without being served, by reason',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'gpc_requests_in_flight',
      help: 'FHIR requests admitted and not yet answered',
      registers,
      collect() {
        this.set(options.inFlight());
      },
    });
    new Gauge({
      name: 'gpc_queue_delay_seconds',
      help:
        'How long admitted requests wait for the event loop before their handler runs ' +
        '(median of the last 100 ms window), as the load shedder sees it',
      registers,
      // WORKERS > 1: the primary shows the worst worker's (D-70); counters and histograms are summed.
      aggregator: 'max',
      collect() {
        this.set(options.queueDelaySeconds());
      },
    });
    new Gauge({
      name: 'gpc_requests_in_flight_limit',
      help: 'MAX_IN_FLIGHT (per process: with WORKERS > 1, the sum over the workers)',
      registers,
    }).set(options.maxInFlight);
    new Gauge({
      name: 'gpc_maintenance_mode',
      help: '1 while the maintenance switch is on',
      registers,
      aggregator: 'max',
      collect() {
        this.set(options.maintenance() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gpc_build_info',
      help: 'Software version and the GP Connect version served',
      labelNames: ['version', 'gp_connect_version'],
      registers,
      aggregator: 'first',
    })
      .labels(options.software.version, options.software.gpConnectVersion)
      .set(1);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(o: RequestObservation): void {
    const consumer = this.consumerLabel(o.consumerAsid);
    // Labels as objects in labelNames order (what labels() would build), without labels()'s child per call.
    this.duration.observe(
      { interaction: o.interaction, status: o.status, spine_code: o.spineCode, consumer_asid: consumer },
      o.durationSeconds,
    );
    if (o.repositorySeconds !== undefined)
      this.repositoryTime.observe({ interaction: o.interaction }, o.repositorySeconds);
    if (o.bundleBytes !== undefined) this.bundleSize.observe(o.bundleBytes);
    this.practiceRequests.inc({ practice_ods: this.practiceLabel(o.practiceOds), status: o.status });
  }

  /** Only practices the store holds get here; still bounded, for a store of many thousands. */
  private practiceLabel(ods: string): string {
    if (this.practices.has(ods)) return ods;
    if (this.practices.size >= MAX_PRACTICE_LABELS) return 'other';
    this.practices.add(ods);
    return ods;
  }

  reject(reason: RejectReason): void {
    this.rejected.labels(reason).inc();
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private consumerLabel(asid: string): string {
    if (this.consumers.has(asid)) return asid;
    if (this.consumers.size >= MAX_CONSUMER_LABELS) return 'other';
    this.consumers.add(asid);
    return asid;
  }
}
