/** Validation against the official GP Connect profiles (profiles/gpconnect-fhir-1.5.0). */
export { loadAssets } from './assets';
export { bundleErrors, bundleIntegrityErrors, resourceErrors } from './validate';
