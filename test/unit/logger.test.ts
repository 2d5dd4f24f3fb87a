/** createLogger writes exactly the lines winston (combine(timestamp(), json()), Console) writes. */
import winston from 'winston';

import { createLogger, jsonLine, type Logger, type LogLevel } from '../../src/logger';

const TIME = new Date('2026-12-07T10:11:12.345Z');

type Call = readonly [LogLevel, string, object?];

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;

const CALLS: readonly Call[] = [
  [
    'info',
    'request',
    {
      method: 'GET',
      path: '/P99001/STU3/1/gpconnect/structured/metadata',
      status: 200,
      spineCode: undefined,
      traceId: 't-1',
      durationMs: 1.234,
      aborted: true,
    },
  ],
  ['info', 'listening'],
  ['warn', 'a startup notice: "quoted" \\ and \u2028 and \ud800 and \u0007'],
  [
    'error',
    'unhandled error',
    { traceId: undefined, error: { message: 'boom', stack: 'Error: boom\n    at x' } },
  ],
  ['error', 'with an Error', { cause: new Error('inner') }],
  ['warn', 'request failed', { cause: { message: 'timeout', code: 'ETIMEDOUT' }, diagnostics: 'x' }],
  [
    'info',
    'stopped',
    {
      drained: true,
      nested: { z: 1, a: [1, undefined, 'b', null, { y: 2, x: 1 }] },
      n: -0,
      inf: Infinity,
      nan: NaN,
    },
  ],
  ['info', 'odd keys', { é: 1, B: 2, a: 3, '10': 4, '9': 5, '': 6 }],
  ['info', 'message merged', { message: 'extra' }],
  ['info', 'own level', { level: 'error', timestamp: 'then' }],
  ['info', 'splat %s token', { a: 1 }],
  ['info', 'big', { count: 10n }],
  ['info', 'date', { at: TIME }],
  ['info', 'circular', circular],
  ['info', 'buffer', { bytes: Buffer.from('ab') }],
  ['info', 'map', { map: new Map([['a', 1]]) }],
  ['info', 'deep', { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: 1 } } } } } } } } } }],
  ['debug', 'below the level', { a: 1 }],
];

function capture(run: () => void): string[] {
  const written: string[] = [];
  const stdout = (console as unknown as { _stdout?: NodeJS.WritableStream })._stdout;
  const spy = jest
    .spyOn(console, 'log')
    .mockImplementation((line: unknown) => void written.push(`${String(line)}\n`));
  const writeSpy =
    stdout &&
    jest.spyOn(stdout, 'write').mockImplementation((chunk: unknown) => (written.push(String(chunk)), true));
  try {
    run();
  } finally {
    spy.mockRestore();
    writeSpy?.mockRestore();
  }
  return written;
}

function callAll(logger: Logger): void {
  for (const [level, message, meta] of CALLS) {
    if (meta === undefined) logger.log(level, message);
    else logger.log(level, message, meta);
  }
  logger.info('by method', { via: 'info' });
  logger.warn('by method');
  logger.error('by method', { via: 'error' });
  logger.debug('by method', { via: 'debug' });
}

describe('createLogger', () => {
  beforeAll(() => jest.useFakeTimers({ now: TIME, doNotFake: ['nextTick', 'setImmediate'] }));
  afterAll(() => jest.useRealTimers());

  for (const level of ['info', 'debug', 'error']) {
    it(`writes what winston writes, line for line, at ${level}`, () => {
      const winstonLogger = winston.createLogger({
        level,
        format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
        transports: [new winston.transports.Console()],
      });
      const expected = capture(() => callAll(winstonLogger));
      const actual = capture(() => callAll(createLogger(level)));
      expect(expected.length).toBeGreaterThanOrEqual(3);
      expect(actual).toEqual(expected);
    });
  }

  it('writes plain data itself and leaves the rest to winston', () => {
    const direct = CALLS.filter(([level, message, meta]) => jsonLine(level, message, meta) !== undefined);
    expect(direct.map(([, message]) => message)).toEqual([
      'request',
      'listening',
      expect.stringContaining('startup notice'),
      'unhandled error',
      'request failed',
      'stopped',
      'odd keys',
      'below the level',
    ]);
  });

  it('writes nothing when silent', () => {
    expect(capture(() => callAll(createLogger('silent')))).toEqual([]);
  });
});
