/**
 * The load generator of bench/load.ts, run in a worker thread so that its work does not share the
 * server's event loop. Closed loop: each virtual client sends one request, waits for the answer,
 * honours Retry-After (plus jitter) on 429/503 as the consumer guide asks, and sends the next, until the time is
 * up or the request budget is spent. Loopback only.
 */
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface ClientJob {
  readonly port: number;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly clients: number;
  readonly durationMs: number;
  readonly maxRequests: number;
  /** A request with no answer after this long counts as hung. */
  readonly timeoutMs: number;
  /** Consumer ASIDs the clients are spread over (Ssp-From). */
  readonly consumers: readonly string[];
  readonly honourRetryAfter: boolean;
  /** Clients start evenly spread over this long (a ramp), rather than all in the same millisecond. */
  readonly rampMs: number;
}

export interface ClientResult {
  readonly total: number;
  readonly byStatus: Record<string, number>;
  readonly latencies200: number[];
  /** When each 200 was sent, ms after the start (same order as latencies200). */
  readonly sentAt200: number[];
  readonly hung: number;
  readonly errors: number;
  /** Connection errors by code (e.g. ECONNRESET). */
  readonly errorCodes: Record<string, number>;
  /** Requests sent again because their kept-alive socket had just been closed by the server. */
  readonly staleRetries: number;
  /** Non-200 answers that were not an OperationOutcome, or a 429/503 without Retry-After. */
  readonly malformed: string[];
  readonly elapsedMs: number;
}

interface Answer {
  readonly status: number;
  readonly retryAfter?: string;
  readonly body: string;
}

function send(
  job: ClientJob,
  agent: http.Agent,
  consumer: string,
): Promise<Answer | 'hung' | 'stale-socket' | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: job.port,
        method: 'POST',
        path: job.path,
        agent,
        headers: {
          ...job.headers,
          'Ssp-From': consumer,
          'Content-Length': String(Buffer.byteLength(job.body)),
        },
        timeout: job.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter:
              typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve('hung');
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      // A kept-alive socket the server closed (idle timeout) just as it was reused: the request never
      // reached the server. Node documents retrying exactly this case (request.reusedSocket).
      resolve(req.reusedSocket && e.code === 'ECONNRESET' ? 'stale-socket' : { error: e.code ?? e.message }),
    );
    req.end(job.body);
  });
}

function isOperationOutcome(body: string): boolean {
  try {
    return (JSON.parse(body) as { resourceType?: unknown }).resourceType === 'OperationOutcome';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runClients(job: ClientJob): Promise<ClientResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });
  const started = performance.now();
  const deadline = started + job.durationMs;
  const byStatus: Record<string, number> = {};
  const latencies200: number[] = [];
  const sentAt200: number[] = [];
  const malformed: string[] = [];
  let total = 0;
  let hung = 0;
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  let staleRetries = 0;
  const client = async (index: number) => {
    const consumer = job.consumers[index % job.consumers.length];
    await sleep((index * job.rampMs) / job.clients);
    while (performance.now() < deadline && total < job.maxRequests) {
      total += 1;
      const sent = performance.now();
      let answer = await send(job, agent, consumer);
      if (answer === 'stale-socket') {
        staleRetries += 1;
        answer = await send(job, agent, consumer);
        if (answer === 'stale-socket') answer = { error: 'ECONNRESET' };
      }
      const ms = performance.now() - sent;
      if (answer === 'hung') {
        hung += 1;
        continue;
      }
      if ('error' in answer) {
        errors += 1;
        errorCodes[answer.error] = (errorCodes[answer.error] ?? 0) + 1;
        continue;
      }
      byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
      if (answer.status === 200) {
        latencies200.push(ms);
        sentAt200.push(sent - started);
        continue;
      }
      const throttled = answer.status === 429 || answer.status === 503;
      if (!isOperationOutcome(answer.body) || (throttled && answer.retryAfter === undefined)) {
        if (malformed.length < 10) malformed.push(`${answer.status} ${answer.body.slice(0, 120)}`);
      }
      if (throttled && job.honourRetryAfter) {
        // Retry-After plus 0 to 50 % jitter, as docs/consumer-guide.md asks of consumers.
        const wait = Number(answer.retryAfter ?? '1') * 1000 * (1 + Math.random() * 0.5);
        await sleep(Math.max(0, Math.min(wait, deadline - performance.now())));
      }
    }
  };
  await Promise.all(Array.from({ length: job.clients }, (_, i) => client(i)));
  agent.destroy();
  return {
    total,
    byStatus,
    latencies200,
    sentAt200,
    hung,
    errors,
    errorCodes,
    staleRetries,
    malformed,
    elapsedMs: performance.now() - started,
  };
}

if (parentPort && workerData) {
  const port = parentPort;
  void runClients(workerData as ClientJob).then((result) => port.postMessage(result));
}
