/**
 * Issue 12 items 1 and 4: admission sheds overload, never work. A lone sequential client is never
 * shed, whatever the record size and however busy the machine's other cores are; a slow upload holds
 * no in-flight slot and is answered 408 at the body deadline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo, Server } from 'node:net';
import { connect, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';

import request from 'supertest';

import { loadConfig } from '../../src/config';
import {
  INTERACTION,
  NHS,
  postRecord,
  RECORD_PATH,
  rel,
  spineHeaders,
  type TestApp,
  testApp,
} from '../support/app';
import { expectBundle } from '../support/fhir';
import { allAreas, nhsNumber, parameters, predefinedSearch2 } from '../support/parameters';

/** The shipped defaults for admission (testApp turns queue shedding off unless told). */
const DEFAULT_ADMISSION = {
  MAX_QUEUE_DELAY_MS: String(loadConfig({}).ops.maxQueueDelayMs),
  MAX_IN_FLIGHT: String(loadConfig({}).ops.maxInFlight),
};

function listen(t: TestApp): Promise<Server> {
  return new Promise((resolve) => {
    const server = t.app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('a lone sequential client while the other cores are saturated', () => {
  const busy: ChildProcess[] = [];

  beforeAll(() => {
    // One spinning process per other core: the machine is busy, this process is not overloaded.
    const others = Math.max(1, availableParallelism() - 1);
    for (let i = 0; i < others; i++) {
      busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    }
  });

  afterAll(() => {
    for (const child of busy) child.kill('SIGKILL');
  });

  it('is never shed: whole large records and predefined search 2, one after another, no 503 or 429', async () => {
    const t = testApp({ env: DEFAULT_ADMISSION });
    const server = await listen(t);
    try {
      const statuses = new Map<number, number>();
      const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const whole = JSON.stringify(parameters(...allAreas(NHS.large1)));
      const search2 = JSON.stringify(parameters(...predefinedSearch2(NHS.patient2, rel(-365))));
      const send = (body: string) =>
        request(server)
          .post(RECORD_PATH)
          .set(spineHeaders(t, INTERACTION.record, 'patient/*.read'))
          .set('Content-Type', 'application/fhir+json')
          .send(body);
      // 15 rather than 100 whole large1 records: each takes about a second on a busy 2-core test box.
      for (let i = 0; i < 15; i++) count((await send(whole)).status);
      for (let i = 0; i < 200; i++) count((await send(search2)).status);
      expect(Object.fromEntries(statuses)).toEqual({ 200: 215 });
      expect(busy.every((child) => child.exitCode === null)).toBe(true);
    } finally {
      server.close();
    }
  }, 300_000);

  it('32 concurrent clients of normal requests are not shed: the other cores being busy is no queue (D-H3)', async () => {
    const t = testApp({ env: DEFAULT_ADMISSION });
    const server = await listen(t);
    try {
      const patients = [NHS.patient2, NHS.patient3, NHS.patient4, NHS.patient5];
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 32 }, async (_, client) => {
          for (let i = 0; i < 4; i++) {
            const nhs = patients[(client + i) % patients.length];
            const res = await request(server)
              .post(RECORD_PATH)
              .set(spineHeaders(t, INTERACTION.record, 'patient/*.read'))
              .set('Content-Type', 'application/fhir+json')
              .send(JSON.stringify(parameters(...predefinedSearch2(nhs, rel(-365)))));
            statuses.push(res.status);
          }
        }),
      );
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(statuses).toHaveLength(128);
    } finally {
      server.close();
    }
  }, 300_000);
});

describe('slow uploads', () => {
  it('64 connections trickling a body at 1 byte/s take no slot: normal requests are served; the tricklers get 408', async () => {
    const t = testApp({ env: { ...DEFAULT_ADMISSION, BODY_TIMEOUT_MS: '3000' } });
    const server = await listen(t);
    const { port } = server.address() as AddressInfo;
    const headers = spineHeaders(t, INTERACTION.record, 'patient/*.read');
    const head =
      `POST ${RECORD_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/fhir+json\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      'Content-Length: 1000\r\n\r\n';
    const sockets: Socket[] = [];
    const answers: Promise<string>[] = [];
    const timers: NodeJS.Timeout[] = [];
    try {
      for (let i = 0; i < 64; i++) {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        answers.push(
          new Promise((resolve) => {
            let text = '';
            socket.on('data', (chunk) => (text += chunk.toString('utf8')));
            socket.on('close', () => resolve(text));
            socket.on('error', () => resolve(text));
          }),
        );
        socket.write(head);
        timers.push(setInterval(() => socket.writable && socket.write('{'), 1000));
      }
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
      // While all 64 trickle: normal requests are admitted (MAX_IN_FLIGHT is 64).
      for (let i = 0; i < 5; i++) {
        expectBundle(await postRecord(t, parameters(nhsNumber(NHS.patient2))));
      }
      expect(t.ops.shedder.inFlight).toBe(0);
      const texts = await Promise.all(answers);
      const elapsed = Date.now() - started;
      for (const text of texts) {
        expect(text).toMatch(/^HTTP\/1\.1 408 /);
        expect(text).toContain('REQUEST_TIMEOUT');
        expect(text).toContain('The request body was not received within 3000 ms');
      }
      // At the body deadline (3 s), well before Node's whole-request timeout (10 s).
      expect(elapsed).toBeLessThan(8000);
    } finally {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  }, 60_000);
});
