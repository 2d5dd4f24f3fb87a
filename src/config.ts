/**
 * Environment → typed configuration, validated once at start. A bad value stops the process with one
 * clear line (main.ts); nothing reads process.env anywhere else.
 */
import { bool, cleanEnv, makeValidator, num, port, str } from 'envalid';
import type { ClinicalArea } from './structured/structured-query';

export const CLINICAL_AREAS: readonly ClinicalArea[] = [
  'allergies', 'medication', 'consultations', 'problems', 'immunisations',
  'uncategorisedData', 'investigations', 'referrals', 'diaryEntries',
];

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** The FHIR service root path, e.g. /P99001/STU3/1/gpconnect/structured (no trailing slash). */
  readonly basePath: string;
  readonly providerAsid: string;
  /** Practice-level switch for all GP Connect provider APIs (request digest §8.1). */
  readonly gpConnectEnabled: boolean;
  /** The Access Record Structured capability switch. */
  readonly structuredEnabled: boolean;
  readonly disabledAreas: ReadonlySet<ClinicalArea>;
  /** Predefined search recognition: medicationSearchFromDate this many days before today (D-25). */
  readonly predefinedMedicationDays: { readonly minDays: number; readonly maxDays: number };
  /** Maximum Parameters body, in bytes (D-31). */
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
}

const basePath = makeValidator<string>((value) => {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new Error('must be a path of one or more segments, starting with "/" and not ending with "/"');
  }
  return value;
});

const asid = makeValidator<string>((value) => {
  if (!/^[0-9]{1,20}$/.test(value)) throw new Error('must be an ASID: 1 to 20 digits');
  return value;
});

const areaList = makeValidator<ReadonlySet<ClinicalArea>>((value) => {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(CLINICAL_AREAS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown clinical area(s) ${unknown.join(', ')}; known: ${CLINICAL_AREAS.join(', ')}`);
  }
  return new Set(names as ClinicalArea[]);
});

const byteSize = makeValidator<number>((value) => {
  const m = /^([0-9]+)\s*(b|kb|mb)?$/i.exec(value.trim());
  if (!m) throw new Error('must be a size such as 1mb, 512kb or 1048576');
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
});

/** Defaults describe the embedded test practice; each is documented in the README. */
export const DEFAULTS = {
  BASE_PATH: '/P99001/STU3/1/gpconnect/structured',
  PROVIDER_ASID: '200000000116',
} as const;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = cleanEnv(
    env,
    {
      PORT: port({ default: 8080 }),
      HOST: str({ default: '0.0.0.0' }),
      BASE_PATH: basePath({ default: DEFAULTS.BASE_PATH }),
      PROVIDER_ASID: asid({ default: DEFAULTS.PROVIDER_ASID }),
      GPC_ENABLED: bool({ default: true }),
      GPC_STRUCTURED_ENABLED: bool({ default: true }),
      GPC_DISABLED_AREAS: areaList({ default: new Set<ClinicalArea>() }),
      PREDEFINED_MEDICATION_DAYS_MIN: num({ default: 365 }),
      PREDEFINED_MEDICATION_DAYS_MAX: num({ default: 366 }),
      BODY_LIMIT: byteSize({ default: 1024 * 1024 }),
      LOG_LEVEL: str({ default: 'info', choices: ['error', 'warn', 'info', 'debug', 'silent'] }),
    },
    {
      reporter: ({ errors }) => {
        const [name, error] = Object.entries(errors)[0] ?? [];
        if (name) throw new ConfigError(`Invalid configuration: ${name} ${error?.message ?? 'is invalid'}`);
      },
    },
  );
  const min = e.PREDEFINED_MEDICATION_DAYS_MIN;
  const max = e.PREDEFINED_MEDICATION_DAYS_MAX;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new ConfigError(
      'Invalid configuration: PREDEFINED_MEDICATION_DAYS_MIN and _MAX must be whole numbers with 0 <= MIN <= MAX',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    basePath: e.BASE_PATH,
    providerAsid: e.PROVIDER_ASID,
    gpConnectEnabled: e.GPC_ENABLED,
    structuredEnabled: e.GPC_STRUCTURED_ENABLED,
    disabledAreas: e.GPC_DISABLED_AREAS,
    predefinedMedicationDays: { minDays: min, maxDays: max },
    bodyLimitBytes: e.BODY_LIMIT,
    logLevel: e.LOG_LEVEL,
  };
}
