/**
 * The STU3 (FHIR 3.0.1) data types and the two resources no GP Connect profile defines
 * (CapabilityStatement, Parameters), written by hand from the FHIR STU3 specification pages "Data
 * Types", "Metadata Types", "Dosage", "Narrative", "Extensibility", "Resource", "CapabilityStatement"
 * and "Parameters". The resources the profiles define are in the generated element-order.ts.
 *
 * Format of one entry (the same as element-order.ts): the children of a type or backbone element in
 * the order the XML form requires, space separated, each `name[*]:type|type…`, where `*` marks a
 * repeating element (an array in JSON), a type `@Path` is a backbone element described under that
 * key, `Resource` is a contained resource, `xhtml` is the narrative div and `*` (as the type) is any
 * of the open types. An element's `id` (and an extension's `url`) is an XML attribute and is not
 * listed; every complex type starts with `extension*`.
 */
export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'base64Binary',
  'boolean',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'uuid',
]);

/** The types a `value[x]` of type `*` may take (STU3 "Data Types — Open Type Element"). */
export const OPEN_TYPES: readonly string[] = [
  'base64Binary',
  'boolean',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'Address',
  'Age',
  'Annotation',
  'Attachment',
  'CodeableConcept',
  'Coding',
  'ContactPoint',
  'Count',
  'Distance',
  'Duration',
  'HumanName',
  'Identifier',
  'Money',
  'Period',
  'Quantity',
  'Range',
  'Ratio',
  'Reference',
  'SampledData',
  'Signature',
  'Timing',
  'Meta',
];

const QUANTITY = 'extension*:Extension value:decimal comparator:code unit:string system:uri code:code';

export const DATATYPE_ELEMENTS: Readonly<Record<string, string>> = {
  Element: 'extension*:Extension',
  BackboneElement: 'extension*:Extension modifierExtension*:Extension',
  Extension: 'extension*:Extension value[x]:*',
  Narrative: 'extension*:Extension status:code div:xhtml',
  Meta: 'extension*:Extension versionId:id lastUpdated:instant profile*:uri security*:Coding tag*:Coding',
  Identifier:
    'extension*:Extension use:code type:CodeableConcept system:uri value:string period:Period ' +
    'assigner:Reference',
  CodeableConcept: 'extension*:Extension coding*:Coding text:string',
  Coding: 'extension*:Extension system:uri version:string code:code display:string userSelected:boolean',
  Reference: 'extension*:Extension reference:string identifier:Identifier display:string',
  Period: 'extension*:Extension start:dateTime end:dateTime',
  Quantity: QUANTITY,
  SimpleQuantity: QUANTITY,
  Age: QUANTITY,
  Count: QUANTITY,
  Distance: QUANTITY,
  Duration: QUANTITY,
  Money: QUANTITY,
  Range: 'extension*:Extension low:Quantity high:Quantity',
  Ratio: 'extension*:Extension numerator:Quantity denominator:Quantity',
  SampledData:
    'extension*:Extension origin:Quantity period:decimal factor:decimal lowerLimit:decimal ' +
    'upperLimit:decimal dimensions:positiveInt data:string',
  Attachment:
    'extension*:Extension contentType:code language:code data:base64Binary url:uri ' +
    'size:unsignedInt hash:base64Binary title:string creation:dateTime',
  HumanName:
    'extension*:Extension use:code text:string family:string given*:string prefix*:string ' +
    'suffix*:string period:Period',
  Address:
    'extension*:Extension use:code type:code text:string line*:string city:string ' +
    'district:string state:string postalCode:string country:string period:Period',
  ContactPoint: 'extension*:Extension system:code value:string use:code rank:positiveInt period:Period',
  Timing: 'extension*:Extension event*:dateTime repeat:@Timing.repeat code:CodeableConcept',
  'Timing.repeat':
    'extension*:Extension bounds[x]:Duration|Range|Period count:integer countMax:integer ' +
    'duration:decimal durationMax:decimal durationUnit:code frequency:integer ' +
    'frequencyMax:integer period:decimal periodMax:decimal periodUnit:code dayOfWeek*:code ' +
    'timeOfDay*:time when*:code offset:unsignedInt',
  Annotation: 'extension*:Extension author[x]:Reference|string time:dateTime text:string',
  Signature:
    'extension*:Extension type*:Coding when:instant who[x]:uri|Reference ' +
    'onBehalfOf[x]:uri|Reference contentType:code blob:base64Binary',
  Dosage:
    'extension*:Extension sequence:integer text:string additionalInstruction*:CodeableConcept ' +
    'patientInstruction:string timing:Timing asNeeded[x]:boolean|CodeableConcept ' +
    'site:CodeableConcept route:CodeableConcept method:CodeableConcept dose[x]:Range|Quantity ' +
    'maxDosePerPeriod:Ratio maxDosePerAdministration:Quantity maxDosePerLifetime:Quantity ' +
    'rate[x]:Ratio|Range|Quantity',
  ContactDetail: 'extension*:Extension name:string telecom*:ContactPoint',
  UsageContext: 'extension*:Extension code:Coding value[x]:CodeableConcept|Quantity|Range',
  RelatedArtifact:
    'extension*:Extension type:code display:string citation:string url:uri ' +
    'document:Attachment resource:Reference',
  Contributor: 'extension*:Extension type:code name:string contact*:ContactDetail',

  // CapabilityStatement (STU3 "CapabilityStatement" resource content).
  CapabilityStatement:
    'id:id meta:Meta implicitRules:uri language:code text:Narrative contained*:Resource ' +
    'extension*:Extension modifierExtension*:Extension url:uri version:string name:string ' +
    'title:string status:code experimental:boolean date:dateTime publisher:string ' +
    'contact*:ContactDetail description:markdown useContext*:UsageContext ' +
    'jurisdiction*:CodeableConcept purpose:markdown copyright:markdown kind:code ' +
    'instantiates*:uri software:@CapabilityStatement.software ' +
    'implementation:@CapabilityStatement.implementation fhirVersion:id acceptUnknown:code ' +
    'format*:code patchFormat*:code implementationGuide*:uri profile*:Reference ' +
    'rest*:@CapabilityStatement.rest messaging*:@CapabilityStatement.messaging ' +
    'document*:@CapabilityStatement.document',
  'CapabilityStatement.software':
    'extension*:Extension modifierExtension*:Extension name:string version:string ' + 'releaseDate:dateTime',
  'CapabilityStatement.implementation':
    'extension*:Extension modifierExtension*:Extension description:string url:uri',
  'CapabilityStatement.rest':
    'extension*:Extension modifierExtension*:Extension mode:code documentation:string ' +
    'security:@CapabilityStatement.rest.security resource*:@CapabilityStatement.rest.resource ' +
    'interaction*:@CapabilityStatement.rest.interaction ' +
    'searchParam*:@CapabilityStatement.rest.resource.searchParam ' +
    'operation*:@CapabilityStatement.rest.operation compartment*:uri',
  'CapabilityStatement.rest.security':
    'extension*:Extension modifierExtension*:Extension cors:boolean service*:CodeableConcept ' +
    'description:string certificate*:@CapabilityStatement.rest.security.certificate',
  'CapabilityStatement.rest.security.certificate':
    'extension*:Extension modifierExtension*:Extension type:code blob:base64Binary',
  'CapabilityStatement.rest.resource':
    'extension*:Extension modifierExtension*:Extension type:code profile:Reference ' +
    'documentation:markdown interaction*:@CapabilityStatement.rest.resource.interaction ' +
    'versioning:code readHistory:boolean updateCreate:boolean conditionalCreate:boolean ' +
    'conditionalRead:code conditionalUpdate:boolean conditionalDelete:code ' +
    'referencePolicy*:code searchInclude*:string searchRevInclude*:string ' +
    'searchParam*:@CapabilityStatement.rest.resource.searchParam',
  'CapabilityStatement.rest.resource.interaction':
    'extension*:Extension modifierExtension*:Extension code:code documentation:string',
  'CapabilityStatement.rest.resource.searchParam':
    'extension*:Extension modifierExtension*:Extension name:string definition:uri type:code ' +
    'documentation:string',
  'CapabilityStatement.rest.interaction':
    'extension*:Extension modifierExtension*:Extension code:code documentation:string',
  'CapabilityStatement.rest.operation':
    'extension*:Extension modifierExtension*:Extension name:string definition:Reference',
  'CapabilityStatement.messaging':
    'extension*:Extension modifierExtension*:Extension ' +
    'endpoint*:@CapabilityStatement.messaging.endpoint reliableCache:unsignedInt ' +
    'documentation:string supportedMessage*:@CapabilityStatement.messaging.supportedMessage ' +
    'event*:@CapabilityStatement.messaging.event',
  'CapabilityStatement.messaging.endpoint':
    'extension*:Extension modifierExtension*:Extension protocol:Coding address:uri',
  'CapabilityStatement.messaging.supportedMessage':
    'extension*:Extension modifierExtension*:Extension mode:code definition:Reference',
  'CapabilityStatement.messaging.event':
    'extension*:Extension modifierExtension*:Extension code:Coding category:code mode:code ' +
    'focus:code request:Reference response:Reference documentation:string',
  'CapabilityStatement.document':
    'extension*:Extension modifierExtension*:Extension mode:code documentation:string ' + 'profile:Reference',

  // Parameters (STU3 "Parameters" resource content): a Resource, not a DomainResource.
  Parameters: 'id:id meta:Meta implicitRules:uri language:code parameter*:@Parameters.parameter',
  'Parameters.parameter':
    'extension*:Extension modifierExtension*:Extension name:string value[x]:* ' +
    'resource:Resource part*:@Parameters.parameter',
};
