export { epcisDocumentOf, epcisIds, chinaTime, EPCIS_ID_BASE, type DeclarationFacts, type EpcisIds } from './document';
export { EpcisDocument, EpcisEvent, EPCIS_CONTEXT } from './schema';
