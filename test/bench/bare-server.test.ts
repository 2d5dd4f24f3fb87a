/** The bare server of `npm run bench` answers each request body with the very bytes it was given. */
import type { AddressInfo } from 'node:net';

import { answersFrom, createBareServer } from '../../bench/bare-server';

function post(port: number, body: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  return fetch(
    `http://127.0.0.1:${port}/P99100/STU3/1/gpconnect/structured/Patient/$gpc.getstructuredrecord`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/fhir+json' },
      body,
    },
  ).then(async (res) => ({
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    bytes: Buffer.from(await res.arrayBuffer()),
  }));
}

describe('bare server', () => {
  const first = Buffer.from('{"resourceType":"Bundle","id":"a","entry":[]}\n');
  // Bytes that are not valid UTF-8: the server must pass them through untouched.
  const second = Buffer.from([0x7b, 0xff, 0x00, 0xfe, 0x7d]);
  const server = createBareServer(
    answersFrom({
      answers: [
        {
          request: '{"p":1}',
          status: 200,
          contentType: 'application/fhir+json;charset=utf-8',
          bodyBase64: first.toString('base64'),
        },
        {
          request: '{"p":2}',
          status: 201,
          contentType: 'application/octet-stream',
          bodyBase64: second.toString('base64'),
        },
      ],
    }),
  );
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers each stored request body with its own status, content-type and bytes', async () => {
    const a = await post(port, '{"p":1}');
    expect(a.status).toBe(200);
    expect(a.type).toBe('application/fhir+json;charset=utf-8');
    expect(a.bytes.equals(first)).toBe(true);
    const b = await post(port, '{"p":2}');
    expect(b.status).toBe(201);
    expect(b.type).toBe('application/octet-stream');
    expect(b.bytes.equals(second)).toBe(true);
  });

  it('answers the same bytes every time the body comes round again', async () => {
    const answers = await Promise.all([1, 2, 1, 1].map((p) => post(port, `{"p":${p}}`)));
    expect(answers.map((a) => a.bytes.equals(a.status === 200 ? first : second))).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('answers 404 to a body it holds no answer for, rather than some other answer', async () => {
    const unknown = await post(port, '{"p":3}');
    expect(unknown.status).toBe(404);
    expect(unknown.bytes.toString()).toMatch(/no stored answer/);
  });
});
