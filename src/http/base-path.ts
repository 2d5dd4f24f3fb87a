/** The FHIR base path template (`/{ods}/STU3/1/gpconnect/structured`) as a matcher of request paths. */

/** Where a request under the template goes: the practice's ODS code and the path below the base. */
export interface FhirTarget {
  readonly odsCode: string;
  readonly path: string;
}

/** A request path under the template gives the ODS segment and the rest; any other path gives undefined. */
export function basePathMatcher(template: string): (path: string) => FhirTarget | undefined {
  const [before, after = ''] = template.split('{ods}');
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escape(before)}([^/]+)${escape(after)}(?=/|$)`);
  return (path) => {
    const m = pattern.exec(path);
    return m ? { odsCode: m[1], path: path.slice(m[0].length) } : undefined;
  };
}
