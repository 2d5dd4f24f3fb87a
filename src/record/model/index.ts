/** The GP clinical record domain model: `import type { … } from '../record/model'`. */
export type * from './allergies';
export type * from './common';
export type * from './consultations';
export type * from './diary';
export type * from './documents';
export type * from './immunisations';
export type * from './investigations';
export type * from './medication';
export type * from './observations';
export type * from './patient-record';
export type * from './problems';
export type * from './referrals';
