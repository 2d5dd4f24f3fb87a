/**
 * The terminology of the generated records (large1 here, the synthetic practice in tools/): real
 * SNOMED CT concepts and dm+d products, one table for both generators. The hand-written patients'
 * shared vocabulary is in common.ts.
 */
import type { CodedConcept } from '../src/record/model';

/** dm+d VMPs (the long-standing SNOMED CT ids GP systems hold on items of these years). */
export const DRUG = {
  metformin500: { code: '325278007', display: 'Metformin 500mg tablets' },
  amlodipine5: { code: '319283006', display: 'Amlodipine 5mg tablets' },
  amlodipine10: { code: '319284000', display: 'Amlodipine 10mg tablets' },
  bendroflumethiazide: { code: '317919004', display: 'Bendroflumethiazide 2.5mg tablets' },
  ramipril5: { code: '318902004', display: 'Ramipril 5mg capsules' },
  atorvastatin20: { code: '320030001', display: 'Atorvastatin 20mg tablets' },
  aspirin75: { code: '319773006', display: 'Aspirin 75mg dispersible tablets' },
  bisoprolol5: { code: '318590006', display: 'Bisoprolol 5mg tablets' },
  warfarin1: { code: '319733000', display: 'Warfarin 1mg tablets' },
  warfarin3: { code: '319734006', display: 'Warfarin 3mg tablets' },
  apixaban5: { code: '703908001', display: 'Apixaban 5mg tablets' },
  salbutamol: { code: '320176004', display: 'Salbutamol 100micrograms/dose inhaler' },
  furosemide40: { code: '317972000', display: 'Furosemide 40mg tablets' },
  paracetamol500: { code: '322236009', display: 'Paracetamol 500mg tablets' },
  citalopram20: { code: '321987003', display: 'Citalopram 20mg tablets' },
  amoxicillin500: { code: '323510009', display: 'Amoxicillin 500mg capsules' },
  prednisolone5: { code: '325427002', display: 'Prednisolone 5mg tablets' },
} as const satisfies Record<string, CodedConcept>;

export const SCT = {
  // problems
  hypertension: { code: '59621000', display: 'Essential hypertension' },
  type2Diabetes: { code: '44054006', display: 'Type 2 diabetes mellitus' },
  hypercholesterolaemia: { code: '13644009', display: 'Hypercholesterolaemia' },
  angina: { code: '194828000', display: 'Angina pectoris' },
  copd: { code: '13645005', display: 'Chronic obstructive lung disease' },
  copdExacerbation: {
    code: '195951007',
    display: 'Acute exacerbation of chronic obstructive airways disease',
  },
  atrialFibrillation: { code: '49436004', display: 'Atrial fibrillation' },
  ckd3: { code: '433144002', display: 'Chronic kidney disease stage 3' },
  gout: { code: '90560007', display: 'Gout' },
  osteoarthritisKnee: { code: '239873007', display: 'Osteoarthritis of knee' },
  bph: { code: '266569009', display: 'Benign prostatic hyperplasia' },
  anxietyDepression: { code: '231504006', display: 'Mixed anxiety and depressive disorder' },
  gord: { code: '235595009', display: 'Gastro-oesophageal reflux disease' },
  obesity: { code: '414916001', display: 'Obesity' },
  cataract: { code: '193570009', display: 'Cataract' },
  carpalTunnel: { code: '57406009', display: 'Carpal tunnel syndrome' },
  frozenShoulder: { code: '399114005', display: 'Adhesive capsulitis of shoulder' },
  plantarFasciitis: { code: '202882003', display: 'Plantar fasciitis' },
  herpesZoster: { code: '4740000', display: 'Herpes zoster' },
  sciatica: { code: '23056005', display: 'Sciatica' },
  lowBackPain: { code: '279039007', display: 'Low back pain' },
  legSwelling: { code: '449614009', display: 'Swelling of lower limb' },
  lrti: { code: '50417007', display: 'Lower respiratory tract infection' },
  acuteBronchitis: { code: '10509002', display: 'Acute bronchitis' },
  conjunctivitis: { code: '9826008', display: 'Conjunctivitis' },
  otitisExterna: { code: '3135009', display: 'Otitis externa' },
  gastroenteritis: { code: '25374005', display: 'Gastroenteritis' },
  // observations
  bpReading: { code: '163020007', display: 'O/E - blood pressure reading' },
  bodyWeight: { code: '27113001', display: 'Body weight' },
  bmi: { code: '60621009', display: 'Body mass index' },
  pulseRate: { code: '78564009', display: 'Pulse rate' },
  temperature: { code: '703421000', display: 'Temperature' },
  hba1c: {
    code: '999791000000106',
    display:
      'Haemoglobin A1c level - International Federation of Clinical Chemistry and Laboratory Medicine standardised',
  },
  exSmoker: { code: '8517006', display: 'Ex-smoker' },
  alcoholUnits: { code: '1082641000000106', display: 'Alcohol units consumed per week' },
  diabeticFootExam: { code: '401191002', display: 'Diabetic foot examination' },
  // allergies
  ramipril: { code: '386872004', display: 'Ramipril' },
  cough: { code: '49727002', display: 'Cough' },
  degradedDrugAllergy: {
    code: '196461000000101',
    display: 'Transfer-degraded drug allergy',
    text: 'Co-trimoxazole allergy (rash)',
  },
  // immunisations
  seasonalFluVaccination: { code: '822851000000102', display: 'Seasonal influenza vaccination' },
  influenzaVaccine: { code: '46233009', display: 'Influenza virus vaccine' },
  influenza: { code: '6142004', display: 'Influenza' },
  pneumococcalVaccination: { code: '12866006', display: 'Pneumococcal vaccination' },
  pneumococcalDisease: { code: '16814004', display: 'Pneumococcal infectious disease' },
  leftUpperArm: { code: '368208006', display: 'Left upper arm structure' },
  intramuscular: { code: '78421000', display: 'Intramuscular route' },
  // referrals, diary
  referralPhysio: { code: '308447003', display: 'Referral to physiotherapist' },
  referralCardiology: { code: '183519002', display: 'Referral to cardiology service' },
  referralCounsellor: { code: '308448008', display: 'Referral to counselor' },
  medicationReviewDue: { code: '314529007', display: 'Medication review due' },
  // investigations
  fbc: { code: '26604007', display: 'FBC - Full blood count' },
  ue: { code: '252167001', display: 'Urea and electrolytes' },
  lft: { code: '26958001', display: 'Liver function tests' },
  lipids: { code: '16254007', display: 'Lipid profile' },
  venousBlood: { code: '122555007', display: 'Venous blood specimen' },
  serum: { code: '119364003', display: 'Serum specimen' },
  urine: { code: '122575003', display: 'Urine specimen' },
} as const satisfies Record<string, CodedConcept>;
