/**
 * The Bundle's output, one request at a time: every resource once (deduplicated on Type/id), Lists
 * first within each placement group, groups in Bundle order ("Retrieve a patient's structured
 * record — Bundle structure").
 */
import type { List, Reference, Resource } from 'fhir/r3';

import { PLACEMENT_ORDER, type PlacementGroup } from '../../contract/areas';

export class GroupedResources {
  private readonly seen = new Set<string>();
  private readonly lists = new Map<PlacementGroup, List[]>(PLACEMENT_ORDER.map((g) => [g, []]));
  private readonly resources = new Map<PlacementGroup, Resource[]>(PLACEMENT_ORDER.map((g) => [g, []]));

  add(group: PlacementGroup, resource: Resource): void {
    const key = `${resource.resourceType}/${resource.id ?? ''}`;
    if (resource.id !== undefined) {
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    this.resources.get(group)!.push(resource);
  }

  addList(group: PlacementGroup, list: List): void {
    if (list.id !== undefined) this.seen.add(`List/${list.id}`);
    this.lists.get(group)!.push(list);
  }

  has(type: string, id: string): boolean {
    return this.seen.has(`${type}/${id}`);
  }

  all(): Resource[] {
    return PLACEMENT_ORDER.flatMap((g) => [...this.lists.get(g)!, ...this.resources.get(g)!]);
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
