import type { DocumentReference } from 'fhir/r3';

import { documentReferenceResource } from '../../../src/bundle/areas/documents';
import { AREA_PROFILE } from '../../../src/bundle/areas/urls';
import { deviceResource, healthcareServiceResource } from '../../../src/bundle/supplementary-actors';
import type { ClinicalDocument } from '../../../src/record/model';
import { fakeContext, IDENTIFIER_SYSTEM, PRACTICE_ID } from './fake-context';
import { expectInvalid, expectValid } from './validate';

const letter: ClinicalDocument = {
  id: 'doc-1',
  guid: '5a1d3c2b-8e9f-4a0b-b1c2-d3e4f5a6b7c8',
  recorded: '2024-03-10T12:00:00+00:00',
  recorderId: 'prac-admin',
  consultationId: 'cons-4',
  type: { code: '823701000000103', display: 'Outpatient letter' },
  description: 'Cardiology clinic letter',
  created: '2024-03-08',
  authorId: 'prac-cardio',
  authorOrganisationId: 'org-hospital',
  attachment: {
    binaryId: 'bin-77',
    contentType: 'application/pdf',
    sizeBytes: 34567,
    title: 'Clinic letter.pdf',
  },
};

describe('documentReferenceResource', () => {
  const doc = documentReferenceResource(letter, fakeContext({ encounters: ['cons-4'] }));

  it('conforms to CareConnect-GPC-DocumentReference-1', () => {
    expectValid(doc);
  });

  it('carries the metadata: identifier, status, type, subject, dates, authors, custodian, description', () => {
    expect(doc.meta).toEqual({ profile: [AREA_PROFILE.documentReference] });
    expect(doc.identifier).toEqual([{ system: IDENTIFIER_SYSTEM, value: letter.guid }]);
    expect(doc.status).toBe('current');
    expect(doc.type.coding?.[0]?.code).toBe('823701000000103');
    expect(doc.subject).toEqual({ reference: 'Patient/pat-1' });
    expect(doc.created).toBe('2024-03-08');
    expect(doc.indexed).toBe(letter.recorded);
    // One author (the profile's 0..1): the organisation the document came from, before its practitioner (D-33).
    expect(doc.author).toEqual([{ reference: 'Organization/org-hospital' }]);
    expect(doc.custodian).toEqual({ reference: `Organization/${PRACTICE_ID}` });
    expect(doc.description).toBe('Cardiology clinic letter');
  });

  it('has metadata only: the attachment points at the Binary and holds no data', () => {
    expect(doc.content).toEqual([
      {
        attachment: {
          contentType: 'application/pdf',
          url: 'Binary/bin-77',
          size: 34567,
          title: 'Clinic letter.pdf',
        },
      },
    ]);
    // The size is required by the profile (content.attachment.size 1..1).
    expectInvalid({
      ...doc,
      content: [{ attachment: { contentType: 'application/pdf', url: 'Binary/bin-77' } }],
    });
  });

  it('uses the full Binary URL when the context can build one', () => {
    const ctx = Object.assign(fakeContext(), {
      binaryUrl: (id: string) => `https://provider.example/documents/fhir/Binary/${id}`,
    });
    const d: DocumentReference = documentReferenceResource(letter, ctx);
    expect(d.content[0].attachment.url).toBe('https://provider.example/documents/fhir/Binary/bin-77');
    const absolute = documentReferenceResource(
      { ...letter, attachment: { ...letter.attachment, binaryId: 'https://docs.example/Binary/9' } },
      fakeContext(),
    );
    expect(absolute.content[0].attachment.url).toBe('https://docs.example/Binary/9');
  });

  it('omits what was not recorded', () => {
    const minimal = expectValid(
      documentReferenceResource(
        {
          id: 'doc-2',
          recorded: '2024-03-10T12:00:00+00:00',
          recorderId: 'p',
          type: { text: 'Scanned document' },
          attachment: { binaryId: 'b2', contentType: 'image/tiff', sizeBytes: 2048 },
        },
        fakeContext(),
      ),
    );
    for (const key of ['created', 'author', 'description']) expect(minimal).not.toHaveProperty(key);
    expect(minimal.content[0].attachment).toEqual({
      contentType: 'image/tiff',
      url: 'Binary/b2',
      size: 2048,
    });
  });
});

describe('supplementary actors', () => {
  it('maps a HealthcareService with its profile, version and provider', () => {
    const hs = expectValid(
      healthcareServiceResource(
        {
          id: 'hs-ortho',
          name: 'Orthopaedic outpatients',
          providedByOrganisationId: 'org-hospital',
          version: '3',
        },
        'P99001',
      ),
    );
    expect(hs).toEqual({
      resourceType: 'HealthcareService',
      id: 'hs-ortho',
      meta: {
        versionId: '3',
        profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-HealthcareService-1'],
      },
      identifier: [{ system: 'urn:gpconnect-structured:P99001:healthcare-service', value: 'hs-ortho' }],
      providedBy: { reference: 'Organization/org-hospital' },
      name: 'Orthopaedic outpatients',
    });
    expect(
      expectValid(healthcareServiceResource({ id: 'hs-2', name: 'Physiotherapy', version: '1' }, 'P99001')),
    ).not.toHaveProperty('providedBy');
    // The profile requires one identifier: a directory identifier the record holds wins (D-33).
    const ers = { system: 'https://example.org/Id/service', value: 'S-1' };
    expect(
      healthcareServiceResource({ id: 'hs-3', name: 'Dermatology', version: '1', identifier: ers }, 'P99001')
        .identifier,
    ).toEqual([ers]);
    expectInvalid({ ...hs, identifier: undefined });
  });

  it('maps a Device with its profile, type, manufacturer and software version', () => {
    const d = expectValid(
      deviceResource({
        id: 'dev-gpsys',
        name: 'GP clinical system',
        manufacturer: 'Example Systems Ltd',
        softwareVersion: '5.2',
        version: '1',
      }),
    );
    expect(d).toEqual({
      resourceType: 'Device',
      id: 'dev-gpsys',
      meta: { versionId: '1', profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-Device-1'] },
      // GPConnect-Device-1: one SNOMED CT coding, no text; the name is the model (D-33).
      type: {
        coding: [
          { system: 'http://snomed.info/sct', code: '706689003', display: 'Application program software' },
        ],
      },
      model: 'GP clinical system',
      manufacturer: 'Example Systems Ltd',
      version: '5.2',
    });
    expectValid(deviceResource({ id: 'dev-2', name: 'Recall engine', version: '1' }));
    expectInvalid({ ...d, type: { text: 'GP clinical system' } });
  });
});
