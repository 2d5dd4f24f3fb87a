/**
 * Many practices per deployment: each practice in the store is served under its own ODS code, with
 * its own ASID and switches held as data beside its record, so an operator changes them at run time
 * (gpc-admin practice …) without a restart.
 */
import { CLINICAL_AREAS, SWITCH_NAMES } from '../contract/areas';
import type { ClinicalArea } from '../contract/structured-query';
import type { ClinicalRepository } from './repository';

export { CLINICAL_AREAS };

/** The ten switchable areas (GP Connect "Enablement"): the nine clinical areas and documents. */
export const SWITCHABLE_AREAS: readonly string[] = SWITCH_NAMES;

/** A practice's switches and endpoint identity, as data in the store. */
export interface PracticeSettings {
  /** The practice endpoint's ASID: Ssp-To must equal it. */
  readonly asid: string;
  /** Practice-level switch for all GP Connect provider APIs. */
  readonly gpConnectEnabled: boolean;
  /** The Access Record: Structured capability switch. */
  readonly structuredEnabled: boolean;
  /** Clinical areas switched off, in CLINICAL_AREAS order. */
  readonly disabledAreas: readonly ClinicalArea[];
  /** The Documents switch. */
  readonly documentsDisabled: boolean;
}

/** One line of `gpc-admin practice list`. */
export interface PracticeSummary extends PracticeSettings {
  readonly odsCode: string;
  readonly name: string;
}

/** A practice the store holds: its settings now, and its record, every read scoped to it. */
export interface ServedPractice {
  readonly odsCode: string;
  readonly settings: PracticeSettings;
  readonly repository: ClinicalRepository;
}

/** Every practice of the deployment. */
export interface PracticeStore {
  /** The practice with this ODS code, or undefined when the store holds none (404). */
  find(odsCode: string): Promise<ServedPractice | undefined>;
  list(): Promise<PracticeSummary[]>;
  /** Whether the store can answer now (readiness). */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** A change to a practice's settings (gpc-admin practice enable|disable|set). */
export interface SettingsChange {
  readonly asid?: string;
  readonly gpConnectEnabled?: boolean;
  readonly structuredEnabled?: boolean;
  readonly disabledAreas?: readonly ClinicalArea[];
  readonly documentsDisabled?: boolean;
}

export function applyChange(settings: PracticeSettings, change: SettingsChange): PracticeSettings {
  const disabled = change.disabledAreas ?? settings.disabledAreas;
  return {
    asid: change.asid ?? settings.asid,
    gpConnectEnabled: change.gpConnectEnabled ?? settings.gpConnectEnabled,
    structuredEnabled: change.structuredEnabled ?? settings.structuredEnabled,
    disabledAreas: CLINICAL_AREAS.filter((a) => disabled.includes(a)),
    documentsDisabled: change.documentsDisabled ?? settings.documentsDisabled,
  };
}

/** "medication,documents" → the clinical areas and the Documents switch; throws naming unknown names. */
export function parseAreaList(value: string): { areas: ClinicalArea[]; documents: boolean } {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !SWITCHABLE_AREAS.includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown clinical area(s) ${unknown.join(', ')}; known: ${SWITCHABLE_AREAS.join(', ')}`);
  }
  return { areas: CLINICAL_AREAS.filter((a) => names.includes(a)), documents: names.includes('documents') };
}

/** An ODS code as it may appear in the URL and the store. */
export const ODS_CODE = /^[A-Z0-9]{3,10}$/;
export const ASID = /^[0-9]{1,12}$/;

/**
 * A store of one practice over any ClinicalRepository: the plug-in point for a vendor's own record
 * (and the benchmarks). Its settings are fixed for the life of the process.
 */
export function singlePracticeStore(
  practice: { readonly odsCode: string; readonly name: string },
  settings: PracticeSettings,
  repository: ClinicalRepository,
): PracticeStore {
  const served: ServedPractice = { odsCode: practice.odsCode, settings, repository };
  return {
    find: async (odsCode) => (odsCode === practice.odsCode ? served : undefined),
    list: async () => [{ ...practice, ...settings }],
    isReady: () => repository.isReady(),
    close: () => repository.close(),
  };
}

/** Every switch on: a test environment's practice (a real practice's switches ship off). */
export function allOn(asid: string): PracticeSettings {
  return {
    asid,
    gpConnectEnabled: true,
    structuredEnabled: true,
    disabledAreas: [],
    documentsDisabled: false,
  };
}
