/** What one load run measured, whichever tool drove it (wrk, or autocannon where wrk is missing). */
export interface LoadResult {
  readonly tool: 'wrk' | 'autocannon';
  /** Completed requests (every status). */
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Bytes read per second, headers included (as wrk counts them). */
  readonly bytesPerSecond: number;
  /** Answers with an HTTP error status (wrk counts status >= 400; autocannon counts non-2xx). */
  readonly httpErrors: number;
  /** Connect, read, write errors and timeouts. */
  readonly socketErrors: number;
}

/** One load run's shape: how many client threads and connections, for how long. */
export interface LoadShape {
  readonly threads: number;
  readonly connections: number;
  readonly seconds: number;
}

/** What the load generator sends: POSTs of rotating bodies with fixed headers. */
export interface LoadTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** One JSON body per request, sent in turn (each connection starts at its own offset). */
  readonly bodies: readonly string[];
}
