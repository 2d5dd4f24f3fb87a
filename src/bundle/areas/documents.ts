/**
 * Document metadata (Documents guidance): never the content, which Access Document
 * serves as a Binary; `content.attachment.url` points there.
 */
import type { DocumentReference, Reference } from 'fhir/r3';

import type { ClinicalDocument } from '../../record/model';
import { documentAuthor } from '../../record/model/documents';
import type { MappingContext } from '../mapping-context';
import { clinicalMeta, conceptCodeableConcept } from './coding';
import { AREA_PROFILE } from './urls';

/**
 * The optional capability an engine's context may add so that attachments carry the full URL of the
 * Binary in Access Document (Documents guidance). MappingContext has no base URL today (open point for the
 * engine).
 */
export interface BinaryUrlContext {
  binaryUrl(binaryId: string): string;
}

function hasBinaryUrl(ctx: MappingContext): ctx is MappingContext & BinaryUrlContext {
  return typeof (ctx as Partial<BinaryUrlContext>).binaryUrl === 'function';
}

/**
 * The attachment URL: the context's full Binary URL when it can build one; a binary id that is already
 * an absolute URL as is; otherwise the relative `Binary/<id>` (resolvable against the Access Document
 * base, but not the full URL the spec asks for).
 */
export function binaryUrl(binaryId: string, ctx: MappingContext): string {
  if (hasBinaryUrl(ctx)) return ctx.binaryUrl(binaryId);
  if (/^https?:\/\//.test(binaryId)) return binaryId;
  return `Binary/${binaryId}`;
}

export function documentReferenceResource(doc: ClinicalDocument, ctx: MappingContext): DocumentReference {
  // One author (CareConnect-GPC-DocumentReference-1 has 0..1): the organisation the document came from
  // when known, else the practitioner who wrote it (D-33).
  const author = documentAuthor(doc);
  const authors: Reference[] =
    author === undefined
      ? []
      : [author.kind === 'organisation' ? ctx.organisation(author.id) : ctx.practitioner(author.id)];
  const a = doc.attachment;
  return {
    resourceType: 'DocumentReference',
    id: doc.id,
    meta: clinicalMeta(AREA_PROFILE.documentReference),
    identifier: [ctx.identifier(doc.id, doc.guid)],
    status: 'current',
    type: conceptCodeableConcept(doc.type),
    subject: ctx.patient,
    ...(doc.created !== undefined && { created: doc.created }),
    indexed: doc.recorded,
    ...(authors.length > 0 && { author: authors }),
    custodian: ctx.organisation(ctx.practiceId),
    ...(doc.description && { description: doc.description }),
    content: [
      {
        attachment: {
          contentType: a.contentType,
          url: binaryUrl(a.binaryId, ctx),
          size: a.sizeBytes,
          ...(a.title && { title: a.title }),
        },
      },
    ],
  };
}
