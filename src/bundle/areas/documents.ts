/**
 * Document metadata (Documents guidance): never the content, which Access Document
 * serves as a Binary; `content.attachment.url` points there.
 */
import type { DocumentReference, Reference } from 'fhir/r3';
import type { ClinicalDocument } from '../../record/model';
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
  const authors: Reference[] = [
    ...(doc.authorId !== undefined ? [ctx.practitioner(doc.authorId)] : []),
    ...(doc.authorOrganisationId !== undefined ? [ctx.organisation(doc.authorOrganisationId)] : []),
  ];
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
          ...(a.sizeBytes !== undefined && { size: a.sizeBytes }),
          ...(a.title && { title: a.title }),
        },
      },
    ],
  };
}
