import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ChaincodeRejection } from '../../../gateway/src/ledger/errors';
import { bearer, errorOf, harness, idem, sha, type Harness, tradeRequest } from './harness';
import {
    bankCheck,
    customsCheck,
    declaration,
    filedParty,
    receiptRecord,
    trade as storedTrade,
} from './ledger-answers';

describe('ledger resources on a fake ledger', () => {
    let h: Harness;
    let operator: string;
    let vendor: string;
    let customs: string;
    let bank: string;

    beforeEach(() => {
        h = harness();
        operator = h.user('MarketOrg', 'operator1', 'operator', 'OP-YIWU');
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        customs = h.user('CustomsOrg', 'officer1', 'customs', 'CUSTOMS-YIWU');
        bank = h.user('BankOrg', 'officer1', 'bank', 'BANK-0001');
    });
    afterEach(() => {
        h.cleanup();
    });

    const post = (key: string, path: string, body?: object): request.Test => {
        const req = request(h.app).post(path).set(bearer(key)).set('Idempotency-Key', idem());
        return body === undefined ? req : req.send(body);
    };

    it('sends a party’s personal data only as transient data, with a salt', async () => {
        h.ledger.on('PartyContract:RegisterParty', ([json = '']) => filedParty(json));

        const res = await post(operator, '/v1/parties', {
            partyId: 'B-0009',
            type: 'BUYER',
            legalName: 'Ahmed Trading',
            countryCode: 'AE',
            nationality: 'AE',
            idType: 'PASSPORT',
            private: { idNumber: 'P1234567' },
        });

        expect(res.status).toBe(201);
        const [call] = h.ledger.submits('PartyContract:RegisterParty');
        expect(call?.args.join(' ')).not.toContain('P1234567');
        expect(call?.transient).toMatchObject({
            idNumber: 'P1234567',
            salt: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
        });
        expect(res.body).toMatchObject({
            result: { partyId: 'B-0009', status: 'SUBMITTED' },
            blockNumber: expect.any(String) as unknown,
        });
    });

    it('registers well-formed bulk trades in one transaction and answers the ledger’s verdict per row', async () => {
        h.ledger.on('TradeContract:RegisterTrades', ([json = '']) => {
            const rows = JSON.parse(json) as { tradeNo: string }[];
            const results = rows.map((row, index) =>
                row.tradeNo === 'TAKEN'
                    ? { index, tradeNo: row.tradeNo, ok: false, code: 'CONFLICT', message: 'already registered' }
                    : { index, tradeNo: row.tradeNo, ok: true },
            );
            return { results, registered: results.filter((r) => r.ok).length, failed: 1 };
        });

        const res = await post(vendor, '/v1/trades/bulk', {
            trades: [tradeRequest('T-1'), tradeRequest('TAKEN'), tradeRequest('T-3')],
        });

        expect(res.status).toBe(201);
        expect(h.ledger.submits()).toHaveLength(1);
        expect(res.body).toMatchObject({
            result: {
                registered: 2,
                failed: 1,
                results: [
                    { index: 0, ok: true },
                    { index: 1, ok: false, code: 'CONFLICT' },
                    { index: 2, ok: true },
                ],
            },
        });
    });

    it('refuses an empty or oversized bulk request before the ledger', async () => {
        const empty = await post(vendor, '/v1/trades/bulk', { trades: [] });
        const huge = await post(vendor, '/v1/trades/bulk', { trades: Array.from({ length: 501 }, () => ({})) });

        expect(empty.status).toBe(400);
        expect(huge.status).toBe(400);
        expect(h.ledger.calls).toHaveLength(0);
    });

    it.each([
        ['vendorId=V-0001', 'TradeContract:ListTradesByVendor', ['V-0001', '50', '']],
        ['agentId=A-1&pageSize=5&bookmark=abc', 'TradeContract:ListTradesByAgent', ['A-1', '5', 'abc']],
    ])('lists trades by ?%s through %s', async (query, fn, args) => {
        h.ledger.on(fn, () => ({ items: [storedTrade('T-1')], bookmark: 'next' }));

        const res = await request(h.app).get(`/v1/trades?${query}`).set(bearer(operator));

        expect(res.status).toBe(200);
        expect(res.body).toEqual({ items: [storedTrade('T-1')], bookmark: 'next' });
        expect(h.ledger.calls[0]).toMatchObject({ fn, args });
    });

    it.each([
        ['buyerId=B-1', 'GET /v1/worklists/trades?party=<buyerId>'],
        ['tradeDate=2026-03-01&pageSize=5', 'GET /v1/worklists/trades?dateFrom=<tradeDate>&dateTo=<tradeDate>'],
        ['vendorId=V-0001&buyerId=B-1', 'GET /v1/worklists/trades?party=<buyerId>'],
    ])(
        'answers ?%s with 400 naming the work list that replaced the filter, in English and Chinese',
        async (query, use) => {
            const res = await request(h.app).get(`/v1/trades?${query}`).set(bearer(operator));

            expect(res.status).toBe(400);
            const error = errorOf(res);
            expect(error.code).toBe('INVALID');
            expect(error.message).toContain(`is no longer a filter of GET /v1/trades: use ${use}`);
            expect(error.message).toContain(`请改用 ${use}`);
            expect(h.ledger.calls).toHaveLength(0);
        },
    );

    it('refuses a trade list with no filter, two filters or a page size over 500', async () => {
        for (const query of [
            '',
            'vendorId=V-1&agentId=A-1',
            'vendorId=V-1&pageSize=501',
            'vendorId=V-1&pageSize=abc',
        ]) {
            const res = await request(h.app).get(`/v1/trades?${query}`).set(bearer(operator));
            expect(res.status).toBe(400);
        }
        expect(h.ledger.calls).toHaveLength(0);
    });

    it('a customs verdict cites the blocks of the ledger transactions it relied on', async () => {
        const filed = await post(vendor, '/v1/documents', { sha256: sha('evidence'), kind: 'INVOICE' });
        const citedTx = filed.body as { txId: string; blockNumber: string };
        const declNo = '123456789012345678';
        h.ledger.on('CustomsContract:CheckDeclaration', () =>
            customsCheck({
                declNo,
                reliedOn: [{ recordType: 'declaration', recordId: declNo, txId: citedTx.txId }],
                txId: 'a'.repeat(64),
            }),
        );

        const res = await request(h.app).get(`/v1/declarations/${declNo}/check`).set(bearer(customs));

        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ result: { verdict: 'PASS' } });
        const evidence = (res.body as { evidence: { txId: string; blockNumber: string | null; valid: boolean }[] })
            .evidence;
        expect(evidence).toContainEqual({ txId: citedTx.txId, blockNumber: citedTx.blockNumber, valid: true });
        expect(evidence).toContainEqual({ txId: 'a'.repeat(64), blockNumber: null, valid: false });
    });

    it('customs events go to the customs transaction with the declaration number and reason', async () => {
        h.ledger.on('CustomsContract:HoldDeclaration', ([declNo = '', reason = '']) =>
            declaration(declNo, ['T-1'], { status: 'ON_HOLD', heldFrom: 'ACCEPTED', statusReason: reason }),
        );

        const res = await post(customs, '/v1/declarations/123456789012345678/hold', { reason: 'IPR check' });

        expect(res.status).toBe(200);
        expect(h.ledger.submits()[0]).toMatchObject({
            fn: 'CustomsContract:HoldDeclaration',
            args: ['123456789012345678', 'IPR check'],
        });
    });

    it('refuses a malformed declaration number or line number', async () => {
        const badDecl = await request(h.app).get('/v1/declarations/12345/check').set(bearer(customs));
        const badLine = await request(h.app)
            .get('/v1/declarations/123456789012345678/lines/zero/trace')
            .set(bearer(customs));

        expect(badDecl.status).toBe(400);
        expect(badLine.status).toBe(400);
        expect(h.ledger.calls).toHaveLength(0);
    });

    it('files a receipt with the payer only in transient data', async () => {
        h.ledger.on('ReceiptContract:FileReceipt', () => receiptRecord({ payerHash: 'f'.repeat(64) }));

        const res = await post(bank, '/v1/receipts', {
            receiptRef: 'R-1',
            payeePartyId: 'V-0001',
            amountMinor: 2500,
            currency: 'USD',
            valueDate: '2026-03-02',
            channel: 'SWIFT',
            allocations: [{ tradeNo: 'T-1', amountMinor: 2500 }],
            payer: { name: 'Ahmed Trading', country: 'AE' },
        });

        expect(res.status).toBe(201);
        const [call] = h.ledger.submits('ReceiptContract:FileReceipt');
        expect(call?.args[0]).not.toContain('Ahmed');
        expect(JSON.parse(call?.transient?.payer ?? '{}')).toMatchObject({ name: 'Ahmed Trading', country: 'AE' });
    });

    it('verifies a receipt with the payer salt filed with it, on the bank’s own peer', async () => {
        h.ledger.on('ReceiptContract:GetReceiptPayer', () => ({
            docType: 'receiptPayer',
            receiptId: 'BankOrgMSP:R-1',
            salt: 'salt-filed-with-the-receipt',
            name: 'Ahmed Trading',
            country: 'AE',
        }));
        h.ledger.on('ReceiptContract:VerifyReceipt', () => ({
            receipt: receiptRecord({ status: 'VERIFIED' }),
            check: bankCheck(),
        }));

        const asFiled = await post(bank, '/v1/receipts/BankOrgMSP:R-1/verify', {});
        const restated = await post(bank, '/v1/receipts/BankOrgMSP:R-1/verify', {
            payer: { name: 'Ahmed Trading', country: 'AE', bank: 'Emirates NBD' },
        });

        expect([asFiled.status, restated.status]).toEqual([200, 200]);
        const calls = h.ledger.submits('ReceiptContract:VerifyReceipt');
        expect(calls.map((c) => JSON.parse(c.transient?.payer ?? '{}') as unknown)).toEqual([
            { salt: 'salt-filed-with-the-receipt', name: 'Ahmed Trading', country: 'AE' },
            { salt: 'salt-filed-with-the-receipt', name: 'Ahmed Trading', country: 'AE', bank: 'Emirates NBD' },
        ]);
    });

    it('verifies a receipt filed without payer details without transient data', async () => {
        h.ledger.on('ReceiptContract:VerifyReceipt', () => ({
            receipt: receiptRecord({ status: 'ALLOCATED' }),
            check: bankCheck({ verdict: 'REFER' }),
        }));
        h.ledger.failNext(
            'ReceiptContract:GetReceiptPayer',
            new ChaincodeRejection('NOT_FOUND', 'receipt BankOrgMSP:R-1 has no payer details on this peer'),
        );

        const res = await post(bank, '/v1/receipts/BankOrgMSP:R-1/verify', {});

        expect(res.status).toBe(200);
        const [call] = h.ledger.submits('ReceiptContract:VerifyReceipt');
        expect(call?.transient).toBeUndefined();
    });

    it('refuses control characters and markup in names and free text, keeps any language and punctuation', async () => {
        h.ledger.on('PartyContract:RegisterParty', ([json = '']) => filedParty(json));
        const party = (legalName: string): request.Test =>
            post(operator, '/v1/parties', { partyId: 'P-1', type: 'PRODUCER', legalName, countryCode: 'CN' });

        const refused = await Promise.all(
            ['<script>alert(1)</script>', 'nul\u0000byte', 'esc\u001b[31m', 'x'.repeat(201)].map(party),
        );
        const kept = await party("O'Brien & Sons / 义乌小商品 (No. 1); 100%");

        for (const res of refused) {
            expect(res.status).toBe(400);
            expect(errorOf(res)).toMatchObject({ code: 'INVALID', message: expect.stringMatching(/legalName/) });
        }
        expect(kept.status).toBe(201);
        expect(h.ledger.submits('PartyContract:RegisterParty')).toHaveLength(1);
    });

    it('a receipt check needs exactly one of receiptId and receipt', async () => {
        const neither = await request(h.app).post('/v1/receipts/check').set(bearer(bank)).send({});
        const bad = await request(h.app).post('/v1/receipts/check').set(bearer(bank)).send({ receiptId: 'R-1' });

        expect(neither.status).toBe(400);
        expect(bad.status).toBe(400);
        expect(errorOf(bad).message).toMatch(/receiptId/);
    });

    it('reads are never journalled as writes and writes need a key even without a body', async () => {
        const accept = await request(h.app).post('/v1/declarations/123456789012345678/accept').set(bearer(customs));

        expect(accept.status).toBe(400);
        expect(errorOf(accept).message).toMatch(/Idempotency-Key/);
        expect(h.ledger.calls).toHaveLength(0);
    });

    it('history of any record goes to HistoryContract with type and id', async () => {
        h.ledger.on('HistoryContract:GetHistory', ([type = '', id = '']) => ({
            recordType: type,
            recordId: id,
            history: [],
        }));

        const res = await request(h.app).get('/v1/history/trade/T-1').set(bearer(operator));
        const bad = await request(h.app).get('/v1/history/wallet/T-1').set(bearer(operator));

        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ result: { recordType: 'trade', recordId: 'T-1' }, evidence: [] });
        expect(bad.status).toBe(400);
    });

    it('names a receipt as a risk-flag subject by its <bankMspId>:<receiptRef> ID, and only a receipt', async () => {
        h.ledger.on('RiskContract:ListFlagsBySubject', () => ({ items: [], bookmark: '' }));
        const flag = (subjectType: string, subjectId: string): object => ({
            subjectType,
            subjectId,
            ruleId: 'F2',
            severity: 'HIGH',
            evidence: { note: 'reused trade' },
        });

        const listed = await request(h.app)
            .get('/v1/risk-flags?subjectType=receipt&subjectId=BankOrgMSP:R-1')
            .set(bearer(bank));
        const plainReceipt = await post(bank, '/v1/risk-flags', flag('receipt', 'R-1'));
        const tradeAsReceipt = await post(bank, '/v1/risk-flags', flag('trade', 'BankOrgMSP:T-1'));

        expect(listed.status).toBe(200);
        expect(h.ledger.calls.find((c) => c.fn === 'RiskContract:ListFlagsBySubject')?.args.slice(0, 2)).toEqual([
            'receipt',
            'BankOrgMSP:R-1',
        ]);
        expect([plainReceipt.status, tradeAsReceipt.status]).toEqual([400, 400]);
        expect(errorOf(plainReceipt).message).toContain(
            'body.subjectId: a receipt subject is <bankMspId>:<receiptRef>',
        );
        expect(h.ledger.submits()).toHaveLength(0);
    });
});
