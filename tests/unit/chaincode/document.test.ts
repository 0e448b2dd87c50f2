import { beforeAll, describe, expect, it } from '@jest/globals';
import * as id from './support/identities';
import { World } from './support/world';

const hash = (c: string): string => c.repeat(64);

describe('DocumentContract', () => {
    let w: World;
    beforeAll(async () => {
        w = await World.market();
    }, 60_000);

    it('anchors a hash in the caller’s own name and emits exactly one DocumentRegistered event', async () => {
        const record = await w.json(id.vendor('V1'), (ctx) => w.document.RegisterDocument(ctx, hash('1'), 'INVOICE'));

        expect(record).toMatchObject({
            docType: 'document',
            sha256: hash('1'),
            kind: 'INVOICE',
            registeredBy: { mspId: 'MarketOrgMSP', role: 'vendor', party: 'V1', id: id.vendor('V1').id },
            txId: w.ledger.lastTx?.txId,
        });
        expect(w.ledger.lastTx?.events).toEqual([
            expect.objectContaining({
                name: 'DocumentRegistered',
                payload: expect.objectContaining({ sha256: hash('1'), kind: 'INVOICE', txId: w.ledger.lastTx?.txId }),
            }),
        ]);
        await expect(w.query(id.bank('BK1'), (ctx) => w.document.GetDocument(ctx, hash('1')))).resolves.toEqual(record);
    });

    it('refuses a second registration of the same hash with CONFLICT, whoever asks', async () => {
        await w.submit(id.operator(), (ctx) => w.document.RegisterDocument(ctx, hash('2'), 'PACKING_LIST'));
        await expect(
            w.submit(id.customs(), (ctx) => w.document.RegisterDocument(ctx, hash('2'), 'INVOICE')),
        ).rejects.toThrow(/^CONFLICT: /);
    });

    it('answers NOT_FOUND for a hash nobody anchored and INVALID for a malformed one', async () => {
        await expect(w.query(id.auditor(), (ctx) => w.document.GetDocument(ctx, hash('3')))).rejects.toThrow(
            /^NOT_FOUND: /,
        );
        await expect(w.query(id.auditor(), (ctx) => w.document.GetDocument(ctx, 'ABC'))).rejects.toThrow(/^INVALID: /);
        await expect(
            w.submit(id.operator(), (ctx) => w.document.RegisterDocument(ctx, hash('4'), 'invoice')),
        ).rejects.toThrow(/^INVALID: /);
    });

    it('lets no caller without a ledger role, from a foreign MSP or for a suspended party anchor or read', async () => {
        const register = (who: ReturnType<typeof id.identity>, c: string): Promise<string> =>
            w.submit(who, (ctx) => w.document.RegisterDocument(ctx, hash(c), 'INVOICE'));
        await expect(register(id.identity('shipper', 'V1'), '5')).rejects.toThrow(/^FORBIDDEN: certificate role/);
        await expect(register(id.identity(null), '5')).rejects.toThrow(/^FORBIDDEN: /);
        await expect(register(id.identity('customs', undefined, 'BankOrgMSP'), '5')).rejects.toThrow(
            /^FORBIDDEN: role customs is not accepted/,
        );
        await expect(register(id.vendor('NOPE'), '5')).rejects.toThrow(/^FORBIDDEN: caller party NOPE is not filed/);
        await expect(w.query(id.identity(null), (ctx) => w.document.GetDocument(ctx, hash('2')))).rejects.toThrow(
            /^FORBIDDEN: /,
        );

        await w.submit(id.operator(), (ctx) => w.party.SuspendParty(ctx, 'V2', 'audit'));
        await expect(register(id.vendor('V2'), '6')).rejects.toThrow(/^FORBIDDEN: caller party V2 is SUSPENDED/);
        expect(w.ledger.read('\u0000document\u0000' + hash('5') + '\u0000')).toBeUndefined();
        expect(w.ledger.read('\u0000document\u0000' + hash('6') + '\u0000')).toBeUndefined();
    });
});
