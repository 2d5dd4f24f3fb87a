/**
 * Issue 12, "done when": with default settings, a client sending the example payloads
 * (examples/requests/, as `gpc examples` does) and then 400 varied requests back to back as fast as
 * it can gets no 429 and no 503. Nothing is retried: a 429 or 503 would show as such.
 */
import { join } from 'node:path';

import { loadExamples, runExample } from '../../src/cli/examples';
import { DEFAULT_IDENTITY } from '../../src/cli/request';
import { systemClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { INTERACTION, METADATA_PATH, NHS, RECORD_PATH, spineHeaders, testApp } from '../support/app';
import { send, serve } from '../support/hostile';
import {
  allAreas,
  area,
  bool,
  date,
  int,
  nhsNumber,
  type Parameter,
  parameters,
  period,
  predefinedSearch1,
  predefinedSearch2,
} from '../support/parameters';

/** Every admission setting at its shipped default (testApp turns queue shedding off unless told). */
const defaults = loadConfig({}).ops;
const DEFAULT_ADMISSION = {
  MAX_QUEUE_DELAY_MS: String(defaults.maxQueueDelayMs),
  MAX_IN_FLIGHT: String(defaults.maxInFlight),
};

describe('done when: the example payloads, then 400 varied requests, back to back', () => {
  it('gets no 429 and no 503 with default settings', async () => {
    expect(defaults.rateLimitPerMinute).toBeUndefined();
    const t = testApp({ clock: systemClock, env: DEFAULT_ADMISSION });
    const { port, agent, close } = await serve(t);
    try {
      const today = systemClock.today();
      const examples = loadExamples(join(__dirname, '..', '..', 'examples', 'requests'));
      expect(examples.length).toBeGreaterThanOrEqual(89);
      const refused: string[] = [];
      for (const example of examples) {
        const result = await runExample(example, {
          baseUrl: `http://127.0.0.1:${port}${t.config.basePath}`,
          identity: DEFAULT_IDENTITY,
          today,
          timeoutMs: 30_000,
          retry: {
            retries: 0,
            maxWaitSeconds: 0,
            onRetry: (status) => refused.push(`${example.name}: ${status}`),
          },
        });
        if (/^(429|503)/.test(result.got)) refused.push(`${example.name}: ${result.got}`);
        expect(result.failures).toEqual([]);
      }

      const medicationFrom = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
      const patients = [
        NHS.patient2,
        NHS.patient3,
        NHS.patient4,
        NHS.patient5,
        NHS.patient6,
        NHS.large1,
        NHS.patient9,
      ];
      const bodies: ((nhs: string) => Parameter[])[] = [
        (nhs) => predefinedSearch1(nhs, medicationFrom),
        (nhs) => predefinedSearch2(nhs, medicationFrom),
        allAreas,
        (nhs) => [nhsNumber(nhs), area('includeAllergies', bool('includeResolvedAllergies', true))],
        (nhs) => [nhsNumber(nhs), area('includeConsultations', int('includeNumberOfMostRecent', 3))],
        (nhs) => [
          nhsNumber(nhs),
          area('includeMedication', date('medicationSearchFromDate', medicationFrom)),
        ],
        (nhs) => [
          nhsNumber(nhs),
          area('includeInvestigations', period('investigationSearchPeriod', '2015-01-01')),
        ],
        (nhs) => [nhsNumber(nhs), area('includeProblems'), { name: 'unknownParameter' }],
        // Client errors are requests too.
        (nhs) => [nhsNumber(nhs), area('includeAllergies')],
        () => [nhsNumber('9999999990'), area('includeProblems')],
      ];
      const statuses = new Map<number, number>();
      const recordHeaders = {
        ...spineHeaders(t, INTERACTION.record, 'patient/*.read'),
        'Content-Type': 'application/fhir+json',
      };
      const metadataHeaders = spineHeaders(t, INTERACTION.metadata, 'organization/*.read');
      for (let i = 0; i < 400; i++) {
        const res =
          i % 25 === 24
            ? await send(port, agent, { method: 'GET', path: METADATA_PATH, headers: metadataHeaders })
            : await send(port, agent, {
                method: 'POST',
                path: RECORD_PATH,
                headers: recordHeaders,
                body: Buffer.from(
                  JSON.stringify(parameters(...bodies[i % bodies.length](patients[i % patients.length]))),
                ),
              });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 429 || res.status === 503) refused.push(`request ${i}: ${res.status}`);
      }
      expect(refused).toEqual([]);
      expect(statuses.get(200)).toBeGreaterThan(250);
      expect([...statuses.keys()].filter((s) => s >= 429)).toEqual([]);
    } finally {
      close();
    }
  }, 300_000);
});
