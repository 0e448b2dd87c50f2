import { defineRoute, type AnyRoute } from '../../http/route';
import { DocumentParams, RegisterDocumentBody, RegisterDocumentResponse, VerifyDocumentResponse } from './schema';
import { getDocument, registerDocument } from './service';

export function documentRoutes(): AnyRoute[] {
    return [
        defineRoute({
            method: 'post',
            path: '/v1/documents',
            operationId: 'registerDocument',
            ledger: ['DocumentContract.RegisterDocument'],
            summary: 'Anchor a document hash on the ledger',
            description: 'The hash is the record ID: registering the same hash twice is a CONFLICT.',
            tag: 'documents',
            write: true,
            status: 201,
            body: RegisterDocumentBody,
            response: RegisterDocumentResponse,
            errors: ['CONFLICT', 'PRECONDITION'],
            handle: ({ ledger, body }) => registerDocument(ledger, body),
        }),
        defineRoute({
            method: 'get',
            path: '/v1/documents/:sha256',
            operationId: 'verifyDocument',
            ledger: ['DocumentContract.GetDocument'],
            summary: 'Verify a document by its hash',
            description: 'Answers who registered the hash and when; 404 when the hash was never registered.',
            tag: 'documents',
            params: DocumentParams,
            response: VerifyDocumentResponse,
            errors: ['NOT_FOUND'],
            handle: async ({ ledger, params }) => ({
                registered: true as const,
                document: await getDocument(ledger, params.sha256),
            }),
        }),
    ];
}
