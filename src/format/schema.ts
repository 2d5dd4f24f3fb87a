/**
 * The practice file's JSON Schema (practice-file.schema.json, shipped in the build) checked with ajv:
 * each line against the header or the patient definition. The message names the field at fault as a
 * dotted path (e.g. `record.allergies[2].recorderId`), so a data engineer can find it in the line.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';

import schema from './practice-file.schema.json';

const ajv = new Ajv2020({ allErrors: false, strict: false });
ajv.addSchema(schema);
const header: ValidateFunction = ajv.compile({ $ref: `${schema.$id}#/$defs/header` });
const patientLine: ValidateFunction = ajv.compile({ $ref: `${schema.$id}#/$defs/patientLine` });

/** `/record/allergies/2/recorderId` → `record.allergies[2].recorderId`. */
function fieldOf(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  for (const part of parts) path += /^[0-9]+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: string }).missingProperty);
    return path === '' ? missing : `${path}.${missing}`;
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty?: string }).additionalProperty);
    return path === '' ? extra : `${path}.${extra}`;
  }
  return path === '' ? '(line)' : path;
}

function describe(validate: ValidateFunction, value: unknown): string | undefined {
  if (validate(value)) return undefined;
  const error = validate.errors?.[0];
  if (!error) return 'does not match the schema';
  const what =
    error.keyword === 'required'
      ? 'is required'
      : error.keyword === 'additionalProperties'
        ? 'is not a field of this format'
        : (error.message ?? 'is invalid');
  return `${fieldOf(error)} ${what}`;
}

/** Undefined when the value is a valid header line, else what is wrong. */
export function validateHeaderLine(value: unknown): string | undefined {
  return describe(header, value);
}

/** Undefined when the value is a valid patient line, else what is wrong. */
export function validatePatientLine(value: unknown): string | undefined {
  return describe(patientLine, value);
}
