/** Area resources against the official profile of their meta.profile[0] (tools/validator). */
import { resourceErrors } from '../../../tools/validator';

/** The profile violations of a resource; [] when it conforms. */
export function schemaErrors(resource: unknown): string[] {
  return resourceErrors(resource);
}

/** Asserts conformance and returns the resource, for chaining. */
export function expectValid<T>(resource: T): T {
  expect(resourceErrors(resource)).toEqual([]);
  return resource;
}

/** Asserts non-conformance (the profile catches what it claims to catch). */
export function expectInvalid(resource: unknown): void {
  expect(resourceErrors(resource)).not.toEqual([]);
}
