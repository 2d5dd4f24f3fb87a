/**
 * Profile, extension and code-system URLs of the areas in this folder (Immunization page; Observation pages;
 * DiagnosticReport page; ReferralRequest page; ProcedureRequest (diary entry) page; Documents guidance;
 * Retrieve a patient’s structured record — Payload response body). Kept here rather than in fhir/profiles.ts
 * so the area mappers do not edit a shared file; the lead may fold them in later.
 */
const NHS_SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
const HL7UK_SD = 'https://fhir.hl7.org.uk/STU3/StructureDefinition/';

export const AREA_PROFILE = {
  immunization: `${NHS_SD}CareConnect-GPC-Immunization-1`,
  observation: `${NHS_SD}CareConnect-GPC-Observation-1`,
  diagnosticReport: `${NHS_SD}CareConnect-GPC-DiagnosticReport-1`,
  specimen: `${NHS_SD}CareConnect-GPC-Specimen-1`,
  /** Both uses: the investigation request summary (intent order) and the diary entry (intent plan). */
  procedureRequest: `${NHS_SD}CareConnect-GPC-ProcedureRequest-1`,
  referralRequest: `${NHS_SD}CareConnect-GPC-ReferralRequest-1`,
  documentReference: `${NHS_SD}CareConnect-GPC-DocumentReference-1`,
  healthcareService: `${HL7UK_SD}CareConnect-HealthcareService-1`,
  device: `${NHS_SD}GPConnect-Device-1`,
} as const;

export const AREA_EXTENSION = {
  /** Immunization page: the profile's hl7.org.uk URLs, not the fhir.nhs.uk "GPC" variants of the examples
   * (docs/decisions.md). */
  parentPresent: `${HL7UK_SD}Extension-CareConnect-ParentPresent-1`,
  dateRecorded: `${HL7UK_SD}Extension-CareConnect-DateRecorded-1`,
  vaccinationProcedure: `${HL7UK_SD}Extension-CareConnect-VaccinationProcedure-1`,
  /** the FHIR resource pages shared conventions; sub-extensions `descriptionId` (valueId) and
   * `descriptionDisplay` (valueString). */
  sctDescId: `${HL7UK_SD}Extension-coding-sctdescid`,
  /** DiagnosticReport page: on Specimen.collection. */
  fastingStatus: `${HL7UK_SD}Extension-CareConnect-FastingStatus-1`,
} as const;

export const AREA_SYSTEM = {
  snomed: 'http://snomed.info/sct',
  readv2: 'http://read.info/readv2',
  ctv3: 'http://read.info/ctv3',
  emisDrug: 'https://fhir.hl7.org.uk/Id/emis-drug-codes',
  egton: 'https://fhir.hl7.org.uk/Id/egton-codes',
  multilex: 'https://fhir.hl7.org.uk/Id/multilex-drug-codes',
  gemscript: 'https://fhir.hl7.org.uk/Id/resipuk-gemscript-drug-codes',
  ucum: 'http://unitsofmeasure.org',
  nullFlavor: 'http://hl7.org/fhir/v3/NullFlavor',
  /** HL7 v2 table 0443 (provider role): EP entering, AP administering (Immunization page). */
  providerRole: 'http://hl7.org/fhir/v2/0443',
  doseStatus: 'http://hl7.org/fhir/vaccination-protocol-dose-status',
  dataAbsentReason: 'http://hl7.org/fhir/data-absent-reason',
  observationCategory: 'http://hl7.org/fhir/observation-category',
  /** HL7 v2 table 0074 (diagnostic service section), the STU3 DiagnosticReport.category value set. */
  diagnosticServiceSection: 'http://hl7.org/fhir/v2/0074',
  /** HL7 v2 table 0916 (relevant clinical information): fasting status. */
  fastingStatus: 'http://hl7.org/fhir/v2/0916',
  requestPriority: 'http://hl7.org/fhir/request-priority',
  ubrn: 'https://fhir.nhs.uk/Id/UBRN',
  /** PMIP report id (DiagnosticReport page). */
  pmipReportId: 'urn:oid:2.16.840.1.113883.2.1.4.5.5',
} as const;
