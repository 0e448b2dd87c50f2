export { epcisDocumentOf, chinaTime, idOf, EPCIS_ID_BASE, EPCIS_VOCAB, type DeclarationFacts } from './document';
export { EpcisDocument, EpcisEvent, EPCIS_CONTEXT } from './schema';
