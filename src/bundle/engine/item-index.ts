/**
 * Pass 1 of the bundle engine: every item the store returned for this request (primary lists first,
 * then linked items), by kind and id. Everything indexed goes into the Bundle, so a reference
 * resolves exactly when its target is here.
 */
import type {
  Allergy,
  ClinicalDocument,
  Consultation,
  DiaryEntry,
  Immunisation,
  ImmunisationStatusRecord,
  InvestigationReport,
  ItemKind,
  MedicationIssue,
  MedicationPlan,
  Observation,
  Problem,
  Referral,
} from '../../record/model';
import type { PatientRecord } from '../../record/model/loaded-record';

type Indexed = { readonly id: string; readonly consultationId?: string };
type IndexedIssue = { readonly plan: MedicationPlan; readonly issue: MedicationIssue };

export class ItemIndex {
  readonly allergies = new Map<string, Allergy>();
  readonly plans = new Map<string, MedicationPlan>();
  private issueIndex?: Map<string, IndexedIssue>;
  readonly problems = new Map<string, Problem>();
  readonly consultations = new Map<string, Consultation>();
  readonly immunisations = new Map<string, Immunisation>();
  readonly immunisationStatuses = new Map<string, ImmunisationStatusRecord>();
  readonly observations = new Map<string, Observation>();
  readonly investigations = new Map<string, InvestigationReport>();
  readonly referrals = new Map<string, Referral>();
  readonly diaryEntries = new Map<string, DiaryEntry>();
  readonly documents = new Map<string, ClinicalDocument>();

  /** The item maps by link kind (issues live inside their plans: see `issues`). */
  readonly byKind: Readonly<Record<Exclude<ItemKind, 'medicationIssue'>, ReadonlyMap<string, Indexed>>> = {
    allergy: this.allergies,
    medicationPlan: this.plans,
    problem: this.problems,
    consultation: this.consultations,
    immunisation: this.immunisations,
    immunisationStatus: this.immunisationStatuses,
    observation: this.observations,
    investigation: this.investigations,
    referral: this.referrals,
    diaryEntry: this.diaryEntries,
    document: this.documents,
  };

  static add<T extends { readonly id: string }>(map: Map<string, T>, items: readonly T[] | undefined): void {
    for (const item of items ?? []) if (!map.has(item.id)) map.set(item.id, item);
  }

  /**
   * Every issue of the indexed plans, first seen first, with its plan. Built on first use: only a
   * link to an issue or an issue brought in late asks for it, and a record's plans hold many issues
   * (some 58 per predefined search 2 of the synthetic practice, none of them asked for).
   */
  get issues(): ReadonlyMap<string, IndexedIssue> {
    if (this.issueIndex) return this.issueIndex;
    const issues = new Map<string, IndexedIssue>();
    for (const plan of this.plans.values())
      for (const issue of plan.issues) if (!issues.has(issue.id)) issues.set(issue.id, { plan, issue });
    return (this.issueIndex = issues);
  }

  addPlans(plans: readonly MedicationPlan[] | undefined): void {
    for (const plan of plans ?? []) if (!this.plans.has(plan.id)) this.plans.set(plan.id, plan);
    this.issueIndex = undefined; // built again from every plan when next asked for
  }
}

/** Indexes one request's record: each area's primary items, then its linked ones. */
export function indexRecord(r: PatientRecord): ItemIndex {
  const linked = r.linked ?? {};
  const ix = new ItemIndex();
  ItemIndex.add(ix.allergies, r.allergies?.active.items);
  ItemIndex.add(ix.allergies, r.allergies?.resolved?.items);
  ItemIndex.add(ix.allergies, linked.allergies);
  ix.addPlans(r.medication?.items);
  ix.addPlans(linked.medication);
  ItemIndex.add(ix.problems, r.problems?.items);
  ItemIndex.add(ix.problems, linked.problems);
  ItemIndex.add(ix.consultations, r.consultations?.items);
  ItemIndex.add(ix.consultations, linked.consultations);
  ItemIndex.add(ix.immunisations, r.immunisations?.items);
  ItemIndex.add(ix.immunisations, linked.immunisations);
  ItemIndex.add(ix.immunisationStatuses, r.immunisations?.statuses);
  ItemIndex.add(ix.immunisationStatuses, linked.immunisationStatuses);
  ItemIndex.add(ix.observations, r.uncategorisedData?.items);
  ItemIndex.add(ix.observations, linked.uncategorisedData);
  ItemIndex.add(ix.investigations, r.investigations?.items);
  ItemIndex.add(ix.investigations, linked.investigations);
  ItemIndex.add(ix.referrals, r.referrals?.items);
  ItemIndex.add(ix.referrals, linked.referrals);
  ItemIndex.add(ix.diaryEntries, r.diaryEntries?.items);
  ItemIndex.add(ix.diaryEntries, linked.diaryEntries);
  ItemIndex.add(ix.documents, linked.documents);
  return ix;
}

/** A completed or cancelled diary entry is out of the diary's scope (a text note in a consultation only). */
export function isCompleted(entry: DiaryEntry): boolean {
  return entry.status === 'completed' || entry.status === 'cancelled';
}
