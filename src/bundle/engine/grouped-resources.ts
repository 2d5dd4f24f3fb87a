/**
 * The Bundle's output, one request at a time: every resource once (deduplicated on Type/id), Lists
 * first within each placement group, groups in Bundle order ("Retrieve a patient's structured
 * record — Bundle structure").
 */
import type { List, Reference, Resource } from 'fhir/r3';

import { PLACEMENT_ORDER, type PlacementGroup } from '../../contract/areas';

export class GroupedResources {
  /** Ids in the Bundle by resource type (a Set per type: no `Type/id` string built per lookup). */
  private readonly seen = new Map<string, Set<string>>();
  private readonly lists = new Map<PlacementGroup, List[]>(PLACEMENT_ORDER.map((g) => [g, []]));
  private readonly resources = new Map<PlacementGroup, Resource[]>(PLACEMENT_ORDER.map((g) => [g, []]));

  private idsOf(type: string): Set<string> {
    let ids = this.seen.get(type);
    if (!ids) this.seen.set(type, (ids = new Set()));
    return ids;
  }

  add(group: PlacementGroup, resource: Resource): void {
    if (resource.id !== undefined) {
      const ids = this.idsOf(resource.resourceType);
      if (ids.has(resource.id)) return;
      ids.add(resource.id);
    }
    this.resources.get(group)!.push(resource);
  }

  addList(group: PlacementGroup, list: List): void {
    if (list.id !== undefined) this.idsOf('List').add(list.id);
    this.lists.get(group)!.push(list);
  }

  has(type: string, id: string): boolean {
    return this.seen.get(type)?.has(id) ?? false;
  }

  all(): Resource[] {
    const out: Resource[] = [];
    for (const g of PLACEMENT_ORDER) {
      for (const list of this.lists.get(g)!) out.push(list);
      for (const resource of this.resources.get(g)!) out.push(resource);
    }
    return out;
  }
}

/** References in first-seen order, each once (Lists may share targets, but one List repeats none). */
export class RefList {
  private readonly byKey = new Map<string, Reference>();

  add(r: Reference): void {
    const key = r.reference ?? `display:${r.display ?? ''}`;
    if (!this.byKey.has(key)) this.byKey.set(key, r);
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): Reference[] {
    return [...this.byKey.values()];
  }
}
