/** Issue 7.1: Prometheus metrics at METRICS_PATH, outside the FHIR base, changing with the traffic. */
import request from 'supertest';

import { CONSUMER_ASID, getMetadata, NHS, postRecord, type TestApp, testApp } from '../support/app';
import { nhsNumber, parameters } from '../support/parameters';

async function scrape(t: TestApp, path = '/metrics'): Promise<string> {
  const res = await request(t.admin).get(path);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

/** The value of one sample line, e.g. `name{a="b"} 3`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').pop());
  }
  return 0;
}

const recordLabels = {
  interaction: 'getstructuredrecord',
  status: '200',
  spine_code: 'none',
  consumer_asid: CONSUMER_ASID,
};

describe('metrics', () => {
  it('answers at /metrics without Spine headers, and counts each request by interaction, status, Spine code and consumer', async () => {
    const t = testApp();
    const before = await scrape(t);
    expect(sample(before, 'gpc_http_request_duration_seconds_count', recordLabels)).toBe(0);

    expect((await postRecord(t, parameters(nhsNumber(NHS.patient2)))).status).toBe(200);
    expect((await postRecord(t, parameters(nhsNumber(NHS.patient2)))).status).toBe(200);
    expect((await postRecord(t, parameters(nhsNumber('9999999990')))).status).toBe(400);
    expect((await getMetadata(t)).status).toBe(200);

    const after = await scrape(t);
    expect(sample(after, 'gpc_http_request_duration_seconds_count', recordLabels)).toBe(2);
    expect(
      sample(after, 'gpc_http_request_duration_seconds_count', {
        ...recordLabels,
        status: '400',
        spine_code: 'INVALID_NHS_NUMBER',
      }),
    ).toBe(1);
    expect(
      sample(after, 'gpc_http_request_duration_seconds_count', { interaction: 'metadata', status: '200' }),
    ).toBe(1);
    // The histogram has the spec's 1 s (SHOULD) and 3 s (SHALL) buckets.
    expect(after).toContain('gpc_http_request_duration_seconds_bucket{le="1",');
    expect(after).toContain('gpc_http_request_duration_seconds_bucket{le="3",');
    expect(sample(after, 'gpc_http_request_duration_seconds_sum', recordLabels)).toBeGreaterThan(0);
  });

  it('measures repository time separately from the total, and the Bundle size', async () => {
    const t = testApp();
    await postRecord(t, parameters(nhsNumber(NHS.patient2)));
    const text = await scrape(t);
    expect(
      sample(text, 'gpc_repository_duration_seconds_count', { interaction: 'getstructuredrecord' }),
    ).toBe(1);
    const repository = sample(text, 'gpc_repository_duration_seconds_sum', {
      interaction: 'getstructuredrecord',
    });
    const total = sample(text, 'gpc_http_request_duration_seconds_sum', recordLabels);
    expect(repository).toBeGreaterThanOrEqual(0);
    expect(repository).toBeLessThanOrEqual(total);
    expect(sample(text, 'gpc_bundle_size_bytes_count')).toBe(1);
    expect(sample(text, 'gpc_bundle_size_bytes_sum')).toBeGreaterThan(100);
  });

  it('reports requests in flight, the limit, maintenance and the build', async () => {
    const t = testApp({ env: { MAX_IN_FLIGHT: '7' } });
    const text = await scrape(t);
    expect(sample(text, 'gpc_requests_in_flight')).toBe(0);
    expect(sample(text, 'gpc_requests_in_flight_limit')).toBe(7);
    expect(sample(text, 'gpc_maintenance_mode')).toBe(0);
    expect(sample(text, 'gpc_build_info', { version: '0.0.0-test', gp_connect_version: '1.6.2' })).toBe(1);
  });

  it('counts requests refused by the throttle, by reason', async () => {
    const t = testApp({ env: { RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_BURST: '1' } });
    await getMetadata(t);
    expect((await getMetadata(t)).status).toBe(429);
    const text = await scrape(t);
    expect(sample(text, 'gpc_requests_rejected_total', { reason: 'rate_limited' })).toBe(1);
    expect(
      sample(text, 'gpc_http_request_duration_seconds_count', {
        status: '429',
        spine_code: 'TOO_MANY_REQUESTS',
      }),
    ).toBe(1);
  });

  it('two apps in one process keep separate counters; operational endpoints are not counted', async () => {
    const a = testApp();
    const b = testApp();
    await getMetadata(a);
    await request(a.admin).get('/health/live');
    expect(sample(await scrape(a), 'gpc_http_request_duration_seconds_count')).toBe(1);
    expect(sample(await scrape(b), 'gpc_http_request_duration_seconds_count')).toBe(0);
  });

  it('serves at a configured METRICS_PATH, and the FHIR base does not', async () => {
    const t = testApp({ env: { METRICS_PATH: '/internal/prometheus' } });
    await scrape(t, '/internal/prometheus');
    expect((await request(t.app).get('/metrics')).status).toBe(400);
  });
});
