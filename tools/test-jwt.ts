/** Builds GP Connect JWTs for tests: a valid unsigned token by default, any claim overridable. */
export type Claims = Record<string, unknown>;

export const NOW_SECONDS = () => Math.floor(Date.now() / 1000);

export function validClaims(nowSeconds: number, scope = 'patient/*.read'): Claims {
  return {
    iss: 'https://consumersupplier.thirdparty.nhs.uk/',
    sub: '1',
    aud: 'https://provider.example.nhs.uk/P99001/STU3/1/gpconnect/structured',
    exp: nowSeconds + 300,
    iat: nowSeconds,
    reason_for_request: 'directcare',
    requested_scope: scope,
    requesting_device: {
      resourceType: 'Device',
      identifier: [{ system: 'https://consumersupplier.com/Id/device-identifier', value: 'CONS-APP-4' }],
      model: 'Consumer product name',
      version: '5.3.0',
    },
    requesting_organization: {
      resourceType: 'Organization',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RR8' }],
      name: 'Leeds Teaching Hospitals NHS Trust',
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: '1',
      identifier: [
        { system: 'https://fhir.nhs.uk/Id/sds-user-id', value: '111222333444' },
        { system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: '444555666777' },
        {
          system: 'https://consumersupplier.com/Id/user-guid',
          value: '98ed4f78-814d-4266-8d5b-cde742f3093c',
        },
      ],
      name: [{ family: 'Jones', given: ['Claire'], prefix: ['Dr'] }],
    },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`, empty signature, trailing dot). */
export function jwt(claims: Claims, header: Claims = { alg: 'none', typ: 'JWT' }): string {
  return `${b64(header)}.${b64(claims)}.`;
}
