import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { callerOf, txTime } from '../lib/identity';
import { canonicalJson, toBytes } from '../lib/canonical';
import { conflict, forbidden, invalid, notFound } from '../lib/errors';

export interface DocumentRecord {
    readonly docType: 'document';
    readonly sha256: string;
    readonly kind: string;
    readonly registeredBy: { mspId: string; id: string; role: string | null; party: string | null };
    readonly registeredAt: string;
    readonly txId: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const KIND = /^[A-Z][A-Z0-9_]{1,31}$/;
const DOCUMENT = 'document';

/** Anchors the hash of an off-chain document (invoice, order photo, packing list) so anyone can verify it later. */
@Info({ title: 'DocumentContract', description: 'Document hashes anchored on the ledger' })
export class DocumentContract extends Contract {
    constructor() {
        super('DocumentContract');
    }

    @Transaction()
    RegisterDocument(ctx: Context, sha256: string, kind: string): Promise<string> {
        if (!SHA256_HEX.test(sha256)) {
            throw invalid('sha256 must be 64 lowercase hex characters');
        }
        if (!KIND.test(kind)) {
            throw invalid('kind must be an upper-case code such as INVOICE');
        }
        const caller = callerOf(ctx);
        if (caller.role === null) {
            throw forbidden('caller certificate carries no mpt.role attribute');
        }
        const key = ctx.stub.createCompositeKey(DOCUMENT, [sha256]);
        return this.#register(ctx, key, { sha256, kind, caller });
    }

    @Transaction(false)
    GetDocument(ctx: Context, sha256: string): Promise<string> {
        return this.#read(ctx, ctx.stub.createCompositeKey(DOCUMENT, [sha256]), sha256);
    }

    async #register(
        ctx: Context,
        key: string,
        input: { sha256: string; kind: string; caller: ReturnType<typeof callerOf> },
    ): Promise<string> {
        const existing = await ctx.stub.getState(key);
        if (existing.length > 0) {
            throw conflict(`document ${input.sha256} is already registered`);
        }
        const record: DocumentRecord = {
            docType: 'document',
            sha256: input.sha256,
            kind: input.kind,
            registeredBy: input.caller,
            registeredAt: txTime(ctx),
            txId: ctx.stub.getTxID(),
        };
        await ctx.stub.putState(key, toBytes(record));
        ctx.stub.setEvent('DocumentRegistered', toBytes({ sha256: record.sha256, kind: record.kind }));
        return canonicalJson(record);
    }

    async #read(ctx: Context, key: string, sha256: string): Promise<string> {
        const bytes = await ctx.stub.getState(key);
        if (bytes.length === 0) {
            throw notFound(`document ${sha256} is not registered`);
        }
        return Buffer.from(bytes).toString('utf8');
    }
}
