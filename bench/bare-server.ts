/**
 * The yardstick of `npm run bench`: a bare `node:http` server that answers each request body with the
 * very bytes (status, content-type, body) the service answered to it once before the runs, so the
 * service/bare ratio measures only the service's own work. A body it was not given gets 404.
 *
 * As a process (what the bench runs, so that it has a core to itself like the service):
 *   node -r ts-node/register/transpile-only bench/bare-server.ts ANSWERS.json
 * listens on an ephemeral 127.0.0.1 port and prints `listening PORT` on stdout.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

export interface StoredAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** The answers file the bench writes: request body → the service's answer (body in base64). */
export interface AnswersFile {
  readonly answers: readonly {
    readonly request: string;
    readonly status: number;
    readonly contentType: string;
    readonly bodyBase64: string;
  }[];
}

export function answersFrom(file: AnswersFile): Map<string, StoredAnswer> {
  return new Map(
    file.answers.map((a) => [
      a.request,
      { status: a.status, contentType: a.contentType, body: Buffer.from(a.bodyBase64, 'base64') },
    ]),
  );
}

export function createBareServer(answers: ReadonlyMap<string, StoredAnswer>): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers.get(Buffer.concat(chunks).toString('utf8'));
      if (answer === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no stored answer for this body\n');
        return;
      }
      res.writeHead(answer.status, {
        'content-type': answer.contentType,
        'content-length': answer.body.length,
      });
      res.end(answer.body);
    });
  });
}

if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: bare-server.ts ANSWERS.json\n');
    process.exit(2);
  }
  const server = createBareServer(answersFrom(JSON.parse(readFileSync(file, 'utf8')) as AnswersFile));
  server.keepAliveTimeout = 5_000; // as the service's KEEP_ALIVE_TIMEOUT_MS default
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
