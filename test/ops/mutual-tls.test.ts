/**
 * Issue 12 item 8: TLS_CERT_FILE/TLS_KEY_FILE make the FHIR listener HTTPS; TLS_CLIENT_CA_FILE
 * requires a client certificate from that CA; TLS_CLIENT_NAMES pins its names; certificates reload.
 * The certificates are made with openssl for each run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import type { OperationOutcome } from 'fhir/r3';

import { createLogger } from '../../src/logger';
import { createHttpServer, type FhirServer, reloadTls } from '../../src/ops/server';
import { INTERACTION, METADATA_PATH, spineHeaders, type TestApp, testApp } from '../support/app';
import { conditionOf } from '../support/fhir';
import { validateResource } from '../support/profiles';

let dir: string;
const file = (name: string) => join(dir, name);
function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}
function makeCa(name: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}
function makeCert(name: string, ca: string, cn: string, san: string): void {
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  );
  writeFileSync(file(`${name}.ext`), `subjectAltName=${san}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpc-mtls-'));
  makeCa('server-ca');
  makeCa('ssp-ca');
  makeCa('other-ca');
  makeCert('server', 'server-ca', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  makeCert('server2', 'server-ca', 'localhost-renewed', 'DNS:localhost,IP:127.0.0.1');
  makeCert('ssp', 'ssp-ca', 'ssp.example.nhs.uk', 'DNS:ssp.example.nhs.uk');
  makeCert('stranger', 'other-ca', 'ssp.example.nhs.uk', 'DNS:ssp.example.nhs.uk');
  makeCert('sibling', 'ssp-ca', 'another-system.example.nhs.uk', 'DNS:another-system.example.nhs.uk');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly t: TestApp;
  readonly server: FhirServer;
  readonly port: number;
}
const running: Running[] = [];
afterEach(async () => {
  for (const { server } of running.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function start(env: Record<string, string>): Promise<Running> {
  const t = testApp({ env: { TLS_CERT_FILE: file('server.pem'), TLS_KEY_FILE: file('server.key'), ...env } });
  const server = createHttpServer(t.app, t.config, { audit: t.ops.audit, logger: createLogger('silent') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const r = { t, server, port: (server.address() as AddressInfo).port };
  running.push(r);
  return r;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly serverCn: string;
}

/** GET metadata over a new connection, with the client certificate named (if any). */
function get(r: Running, client?: string, extra: https.RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: r.port,
        path: METADATA_PATH,
        method: 'GET',
        agent: false,
        ca: readFileSync(file('server-ca.pem')),
        servername: 'localhost',
        headers: spineHeaders(r.t, INTERACTION.metadata, 'organization/*.read'),
        ...(client
          ? { cert: readFileSync(file(`${client}.pem`)), key: readFileSync(file(`${client}.key`)) }
          : {}),
        ...extra,
      },
      (res) => {
        let body = '';
        const cn = (res.socket as TLSSocket).getPeerCertificate().subject?.CN;
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serverCn: String(cn) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const MTLS = () => ({ TLS_CLIENT_CA_FILE: file('ssp-ca.pem') });

describe('HTTPS and mutual TLS on the FHIR listener', () => {
  it('TLS_CERT_FILE + TLS_KEY_FILE: HTTPS, TLS 1.2 at least', async () => {
    const r = await start({});
    expect((await get(r)).status).toBe(200);
    await expect(get(r, undefined, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).rejects.toThrow();
  });

  it('with TLS_CLIENT_CA_FILE: a client certificate from that CA is served', async () => {
    const r = await start(MTLS());
    const answer = await get(r, 'ssp');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ resourceType: 'CapabilityStatement' });
  });

  it('no client certificate: refused at the TLS layer, nothing reaches the app', async () => {
    const r = await start(MTLS());
    await expect(get(r)).rejects.toThrow();
    expect(r.t.audit.requests).toHaveLength(0);
  });

  it('a certificate from another CA (same names): refused at the TLS layer', async () => {
    const r = await start(MTLS());
    await expect(get(r, 'stranger')).rejects.toThrow();
    expect(r.t.audit.requests).toHaveLength(0);
  });

  it('TLS_CLIENT_NAMES: a certificate from the right CA with another name is 403 ACCESS DENIED, audited', async () => {
    const r = await start({ ...MTLS(), TLS_CLIENT_NAMES: 'ssp.example.nhs.uk' });
    expect((await get(r, 'ssp')).status).toBe(200);
    const refused = await get(r, 'sibling');
    expect(refused.status).toBe(403);
    const outcome = validateResource(JSON.parse(refused.body) as OperationOutcome);
    expect(conditionOf(outcome.issue[0])).toBe('ACCESS DENIED');
    expect(outcome.issue[0].diagnostics).toContain('another-system.example.nhs.uk');
    expect(r.t.audit.requests.map((a) => (a.outcome as { status: number }).status)).toEqual([200, 403]);
  });

  it('reloading (SIGHUP) picks up a new server certificate for new connections', async () => {
    const r = await start(MTLS());
    expect((await get(r, 'ssp')).serverCn).toBe('localhost');
    const config = {
      ...r.t.config,
      tls: {
        ...r.t.config.tls,
        certFile: file('server2.pem'),
        keyFile: file('server2.key'),
        clientCaFile: file('ssp-ca.pem'),
      },
    };
    reloadTls(r.server, config);
    const after = await get(r, 'ssp');
    expect(after.status).toBe(200);
    expect(after.serverCn).toBe('localhost-renewed');
    // A file that cannot be read leaves the running certificate in place.
    expect(() =>
      reloadTls(r.server, { ...config, tls: { ...config.tls, certFile: file('missing.pem') } }),
    ).toThrow(/TLS_CERT_FILE .*missing\.pem cannot be read/);
    expect((await get(r, 'ssp')).serverCn).toBe('localhost-renewed');
  });
});
