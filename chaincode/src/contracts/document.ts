import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { authorize } from '../lib/auth';
import { conflict, notFound } from '../lib/errors';
import { txTime } from '../lib/identity';
import { parseArg, str } from '../lib/validate';
import { emit } from '../store/events';
import { exists, getRecord, historyOf, putRecord } from '../store/records';
import { jsonResult } from '../lib/canonical';
import { documentKey } from '../model/keys';
import { type DocumentRecord } from '../model/records';

const SHA256 = str({ pattern: /^[0-9a-f]{64}$/, max: 64, hint: 'must be 64 lowercase hex characters' });
const KIND = str({ pattern: /^[A-Z][A-Z0-9_]{1,31}$/, max: 32, hint: 'must be an upper-case code such as INVOICE' });
/**
 * Anchors the hash of an off-chain document (invoice, order photo, packing list) so anyone can verify it later.
 * Any ledger role may anchor, in its own name (party roles with their ACTIVE party); any ledger role may read.
 */
@Info({ title: 'DocumentContract', description: 'Document hashes anchored on the ledger' })
export class DocumentContract extends Contract {
    constructor() {
        super('DocumentContract');
    }

    @Transaction()
    async RegisterDocument(ctx: Context, sha256: string, kind: string): Promise<string> {
        const hash = parseArg(sha256, SHA256, 'sha256');
        const code = parseArg(kind, KIND, 'kind');
        const actor = await authorize(ctx, 'DocumentContract.RegisterDocument');
        const key = documentKey(ctx, hash);
        if (await exists(ctx, key)) throw conflict(`document ${hash} is already registered`);
        const { mspId, id, party } = actor.caller;
        const record: DocumentRecord = {
            docType: 'document',
            sha256: hash,
            kind: code,
            registeredBy: { mspId, id, role: actor.role, party },
            registeredAt: txTime(ctx),
            txId: ctx.stub.getTxID(),
        };
        await putRecord(ctx, key, record);
        emit(ctx, 'DocumentRegistered', { sha256: record.sha256, kind: record.kind });
        return jsonResult(record);
    }

    @Transaction(false)
    async GetDocument(ctx: Context, sha256: string): Promise<string> {
        const hash = parseArg(sha256, SHA256, 'sha256');
        await authorize(ctx, 'DocumentContract.GetDocument');
        const record = await getRecord<DocumentRecord>(ctx, documentKey(ctx, hash), 'document');
        if (record === undefined) throw notFound(`document ${hash} is not registered`);
        return jsonResult(record);
    }

    /** Every committed version of a document anchor: who anchored it, in which transaction, when. */
    @Transaction(false)
    async GetDocumentHistory(ctx: Context, sha256: string): Promise<string> {
        const hash = parseArg(sha256, SHA256, 'sha256');
        await authorize(ctx, 'DocumentContract.GetDocumentHistory');
        const history = await historyOf(ctx, documentKey(ctx, hash));
        if (history.length === 0) throw notFound(`document ${hash} is not registered`);
        return jsonResult({ sha256: hash, history });
    }
}
