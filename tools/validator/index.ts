/** Validation against the official GP Connect profiles (profiles/gpconnect-fhir-1.5.0). */
export { bundleErrors, bundleIntegrityErrors, resourceErrors } from './validate';
export { loadAssets } from './assets';
