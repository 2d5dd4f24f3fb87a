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
  /** The last type asked for and its ids: resources come in runs of one type. */
  private lastType = '';
  private lastIds: Set<string> | undefined;

  private idsOf(type: string): Set<string> {
    if (type === this.lastType && this.lastIds) return this.lastIds;
    let ids = this.seen.get(type);
    if (!ids) this.seen.set(type, (ids = new Set()));
    this.lastType = type;
    return (this.lastIds = ids);
  }

  add(group: PlacementGroup, resource: Resource): void {
    const { id } = resource;
    if (id !== undefined) {
      const ids = this.idsOf(resource.resourceType);
      const size = ids.size;
      if (ids.add(id).size === size) return; // already in the Bundle (one lookup, not has then add)
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
  private readonly keys = new Set<string>();
  private readonly refs: Reference[] = [];

  add(r: Reference): void {
    const key = r.reference ?? `display:${r.display ?? ''}`;
    const size = this.keys.size;
    if (this.keys.add(key).size !== size) this.refs.push(r);
  }

  get size(): number {
    return this.refs.length;
  }

  values(): Reference[] {
    return this.refs.slice();
  }
}
