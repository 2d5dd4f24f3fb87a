/** A winston logger whose JSON lines land in `lines`, for tests that assert what was logged. */
import { Writable } from 'node:stream';

import winston from 'winston';

export function capturingLogger(lines: Record<string, unknown>[]): winston.Logger {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
}
