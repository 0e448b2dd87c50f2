import { describe, expect, it } from '@jest/globals';
import {
    at,
    BUYER_COUNTRY,
    BUYER_NAME,
    consolidateAndPack,
    exportTrades,
    failed,
    hex64,
    list,
    marketSuite,
    ok,
    omit,
    str,
    today,
    tradeBody,
} from './gateway-support';
import { dayBefore } from '../../chaincode/src/lib/identity';
import { nextMonth } from '../../chaincode/src/rules/exemption-guard';
import { uniqueId } from './support';

/**
 * Fraud patterns and refused requests through the REST API on the real network, each answered with the HTTP
 * status AND the domain code (error body) or the verdict's reason codes, and each shown to leave the ledger as
 * it was where that matters (no allocation, no declaration, no trade, no customs event).
 */
const { m } = marketSuite();

const newTrade = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const tradeNo = uniqueId('T');
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo, overrides)), 201);
    return tradeNo;
};

const receipt = (
    tradeNo: string,
    amountMinor: number,
    extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
    receiptRef: uniqueId('R'),
    payeePartyId: m.ids.vendor,
    amountMinor,
    currency: 'USD',
    valueDate: today(),
    channel: 'SWIFT',
    allocations: [{ tradeNo, amountMinor }],
    payer: { name: BUYER_NAME, country: BUYER_COUNTRY },
    ...extra,
});

const reasons = (check: unknown): Record<string, string> =>
    Object.fromEntries(list(check, 'result.checks').map((c) => [str(c, 'id'), str(c, 'reason')]));

describe('fraud and refused requests through the gateway on the real network', () => {
    it('F2: a trade paid in full by one bank is refused to a second bank party beyond the 5 % tolerance (BK-04, V25)', async () => {
        // The default network has one bank org, so the "second bank" is a second BANK party with its own officer
        // at BankOrg: BK-04 counts earlier receipts on the trade whoever filed them, but other-bank counts are per
        // MSP, so this shows reuse across receipts and bank parties, not across bank organisations.
        const tradeNo = await newTrade();
        await exportTrades(m, [tradeNo]);
        ok(await m.bank.api.post('/v1/receipts', receipt(tradeNo, 120_000)), 201);

        const proposal = receipt(tradeNo, 120_000);
        const proposed = omit(proposal, 'receiptRef', 'channel', 'payer');
        const check = ok(await m.bank2.api.post('/v1/receipts/check', { receipt: proposed }));
        const refused = await m.bank2.api.post('/v1/receipts', proposal);
        const settlement = ok(await m.bank2.api.get(`/v1/trades/${tradeNo}/settlement`));

        expect(at(check, 'result.verdict')).toBe('FAIL');
        expect(reasons(check)).toMatchObject({
            'BK-03': 'BK03_EXPORTED',
            'BK-04': 'BK04_AMOUNT_EXCEEDS_REMAINING',
            'BK-07': 'BK07_EXCEEDS_TOLERANCE',
        });
        expect(at(check, 'result.trades.0')).toMatchObject({ allocatedBeforeMinor: 120_000, remainingMinor: 0 });
        expect(failed(refused, 422, 'RULE_V25').message).toMatch(/1\.05|tolerance|cap|exceed/i);
        expect(settlement).toMatchObject({ allocatedMinor: 120_000, allocationCount: 1 });
    });

    it('F2: a second receipt that fits only in the tolerance is kept, referred (BK04_TRADE_FULLY_USED) and flagged', async () => {
        const tradeNo = await newTrade();
        await exportTrades(m, [tradeNo]);
        ok(await m.bank.api.post('/v1/receipts', receipt(tradeNo, 120_000)), 201);

        const second = ok(await m.bank2.api.post('/v1/receipts', receipt(tradeNo, 6_000)), 201);
        const check = ok(await m.bank2.api.post('/v1/receipts/check', { receiptId: str(second, 'result.receiptId') }));
        const flags = ok(await m.bank2.api.get(`/v1/risk-flags?subjectType=trade&subjectId=${tradeNo}`));

        expect(at(check, 'result.verdict')).toBe('REFER');
        expect(reasons(check)).toMatchObject({ 'BK-04': 'BK04_TRADE_FULLY_USED', 'BK-07': 'BK07_WITHIN_TOLERANCE' });
        expect(list(flags, 'items')).toEqual([
            expect.objectContaining({ ruleId: 'F2', status: 'OPEN', subjectId: tradeNo }),
        ]);
    });

    it('over-receipt beyond value × 1.05 on a fresh trade is 422 RULE_V25 and allocates nothing', async () => {
        const tradeNo = await newTrade();
        const over = receipt(tradeNo, 126_001); // cap = 120_000 × 1.05 = 126_000

        const refused = await m.bank.api.post('/v1/receipts', over);
        const lookup = await m.bank.api.get(`/v1/receipts/BankOrgMSP:${str(over, 'receiptRef')}`);
        const settlement = ok(await m.bank.api.get(`/v1/trades/${tradeNo}/settlement`));

        failed(refused, 422, 'RULE_V25');
        failed(lookup, 404, 'NOT_FOUND');
        expect(settlement).toMatchObject({ valueMinor: 120_000, capMinor: 126_000, allocatedMinor: 0 });
    });

    it('a declaration over USD 150,000 is previewed as outside the cap and refused with 422 RULE_V01', async () => {
        const tradeNo = await newTrade({
            lines: [{ lineId: 'L1', goodsCode: m.goodsCode, qty: 1000, unitPrice: 15_001, amount: 15_001_000 }],
        });
        const { declaration } = await consolidateAndPack(m, [tradeNo]);
        const previewBody = omit(declaration, 'declNo');

        const preview = ok(await m.broker.api.post('/v1/declarations/preview', previewBody));
        const refused = await m.broker.api.post('/v1/declarations', declaration);
        const lookup = await m.broker.api.get(`/v1/declarations/${str(declaration, 'declNo')}`);

        expect(preview).toMatchObject({ totalValueUsd: 15_001_000, withinCap: false });
        expect(list(preview, 'violations').map((v) => at(v, 'code'))).toContain('RULE_V01');
        failed(refused, 422, 'RULE_V01');
        failed(lookup, 404, 'NOT_FOUND');
    });

    it('negative-list goods: a filed declaration fails CU-03 once the goods are listed, and a new trade is 422 RULE_V05', async () => {
        const listed = `GN-${m.run}`;
        ok(
            await m.vendor.api.post('/v1/goods', {
                goodsCode: listed,
                ownerId: m.ids.vendor,
                nameCn: '节日用品',
                nameEn: 'Festive article',
                hsCode: '9505900000',
                unit: 'PCS',
                producerId: m.ids.producer,
                priceRange: { currency: 'USD', minUnitPrice: 5, maxUnitPrice: 500 },
            }),
            201,
        );
        const line = { lineId: 'L1', goodsCode: listed, qty: 1000, unitPrice: 30, amount: 30_000 };
        const tradeNo = await newTrade({ lines: [line] });
        const { declaration } = await consolidateAndPack(m, [tradeNo]);
        const declNo = str(declaration, 'declNo');
        ok(await m.broker.api.post('/v1/declarations', declaration), 201);

        // the list is global and versioned: the next version keeps every entry in force and adds these goods
        const latest = ok(await m.customs.api.get('/v1/negative-list?asOf=9999-12-31'));
        const previous = at(latest, 'list') as { version: number; validFrom: string; entries: unknown[] } | null;
        ok(
            await m.customs.api.post('/v1/negative-lists', {
                version: (previous?.version ?? 0) + 1,
                validFrom: today(),
                entries: [...(previous?.entries ?? []), { goodsCode: listed, reason: 'end-to-end test: barred goods' }],
            }),
            201,
        );
        const check = ok(await m.customs.api.get(`/v1/declarations/${declNo}/check`));
        const refused = await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId('T'), { lines: [line] }));

        expect(at(check, 'result.verdict')).toBe('FAIL');
        const cu03 = list(check, 'result.checks').find((c) => at(c, 'id') === 'CU-03');
        expect(cu03).toMatchObject({
            result: 'FAIL',
            reasons: [expect.objectContaining({ code: 'CU03_NEGATIVE_LIST' })],
        });
        failed(refused, 422, 'RULE_V05');
    });

    it('V32: a back-dated declaration is previewed with RULE_V32 and refused with 422 RULE_V32; nothing is filed', async () => {
        const tradeNo = await newTrade();
        const { declaration } = await consolidateAndPack(m, [tradeNo]);
        const backDated = { ...declaration, declDate: dayBefore(dayBefore(today())) };

        const preview = ok(await m.broker.api.post('/v1/declarations/preview', omit(backDated, 'declNo')));
        const refused = await m.broker.api.post('/v1/declarations', backDated);
        const lookup = await m.broker.api.get(`/v1/declarations/${str(declaration, 'declNo')}`);

        expect(list(preview, 'violations').map((v) => at(v, 'code'))).toContain('RULE_V32');
        expect(failed(refused, 422, 'RULE_V32').message).toMatch(/before the filing day/);
        failed(lookup, 404, 'NOT_FOUND');
    });

    it('V32: an exit dated before the release is 422 RULE_V32 and the declaration stays RELEASED', async () => {
        const tradeNo = await newTrade();
        const { declaration } = await consolidateAndPack(m, [tradeNo]);
        const declNo = str(declaration, 'declNo');
        ok(await m.broker.api.post('/v1/declarations', declaration), 201);
        ok(await m.customs.api.post(`/v1/declarations/${declNo}/accept`));
        ok(await m.customs.api.post(`/v1/declarations/${declNo}/release`));

        const refused = await m.customs.api.post(`/v1/declarations/${declNo}/exit`, { exitDate: dayBefore(today()) });
        const events = ok(await m.customs.api.get(`/v1/declarations/${declNo}/events`));

        failed(refused, 422, 'RULE_V32');
        expect(at(events, 'status')).toBe('RELEASED');
    });

    it('V02: a Yiwu packing list declared at another customs office is 422 RULE_V02; nothing is filed', async () => {
        const tradeNo = await newTrade();
        const { declaration } = await consolidateAndPack(m, [tradeNo]);
        const elsewhere = { ...declaration, customsOffice: '5100' };

        const refused = await m.broker.api.post('/v1/declarations', elsewhere);
        const lookup = await m.broker.api.get(`/v1/declarations/${str(declaration, 'declNo')}`);

        expect(failed(refused, 422, 'RULE_V02').message).toMatch(/customs office 2920, not 5100/);
        failed(lookup, 404, 'NOT_FOUND');
    });

    it('a vendor registering a trade in another vendor’s name is 403 FORBIDDEN and nothing is written', async () => {
        const tradeNo = uniqueId('T');

        const refused = await m.vendor2.api.post('/v1/trades', tradeBody(m, tradeNo));
        const lookup = await m.operator.api.get(`/v1/trades/${tradeNo}`);

        failed(refused, 403, 'FORBIDDEN');
        failed(lookup, 404, 'NOT_FOUND');
    });

    it('customs events written by a broker, an agent or a bank are 403 FORBIDDEN; the declaration stays SUBMITTED', async () => {
        const tradeNo = await newTrade();
        const { declaration } = await consolidateAndPack(m, [tradeNo]);
        const declNo = str(declaration, 'declNo');
        ok(await m.broker.api.post('/v1/declarations', declaration), 201);

        const byBroker = await m.broker.api.post(`/v1/declarations/${declNo}/accept`);
        const byAgent = await m.agent.api.post(`/v1/declarations/${declNo}/release`);
        const byBank = await m.bank.api.post(`/v1/declarations/${declNo}/exit`, { exitDate: today() });
        const events = ok(await m.customs.api.get(`/v1/declarations/${declNo}/events`));

        for (const res of [byBroker, byAgent, byBank]) failed(res, 403, 'FORBIDDEN');
        expect(events).toMatchObject({ status: 'SUBMITTED', events: [] });
    });

    it('V24: a receipt paid to the agent for a trade the vendor collects is 422 RULE_V24 (BK06_WRONG_PAYEE)', async () => {
        const tradeNo = await newTrade({ agencyReceipt: false });
        const toAgent = receipt(tradeNo, 120_000, { payeePartyId: m.ids.agent });
        const proposed = omit(toAgent, 'receiptRef', 'channel', 'payer');

        const check = ok(await m.bank.api.post('/v1/receipts/check', { receipt: proposed }));
        const refused = await m.bank.api.post('/v1/receipts', toAgent);

        expect(at(check, 'result.verdict')).toBe('FAIL');
        expect(reasons(check)).toMatchObject({ 'BK-06': 'BK06_WRONG_PAYEE' });
        failed(refused, 422, 'RULE_V24');
    });

    it('a suspended vendor cannot register trades (403 FORBIDDEN) until reinstated', async () => {
        const own = (tradeNo: string): Record<string, unknown> =>
            tradeBody(m, tradeNo, { vendorId: m.ids.vendor2, agentId: m.ids.agent, documents: [hex64()] });
        ok(await m.operator.api.post(`/v1/parties/${m.ids.vendor2}/suspend`, { reason: 'end-to-end test' }));
        let refused;
        try {
            refused = await m.vendor2.api.post('/v1/trades', own(uniqueId('T')));
        } finally {
            ok(await m.operator.api.post(`/v1/parties/${m.ids.vendor2}/reinstate`, { reason: 'end-to-end test' }));
        }

        const error = failed(refused, 403, 'FORBIDDEN');
        expect(error.message).toMatch(/SUSPENDED/);
    });

    it('F10: an exemption claimed before its period opens, or for a trade not exported, is refused (RULE_V28, RULE_V29)', async () => {
        const exported = await newTrade();
        await exportTrades(m, [exported]);
        const pending = await newTrade();
        const period = nextMonth(today().slice(0, 7)); // the export month is China's
        const filing = (tradeNo: string): Record<string, unknown> => ({
            filingNo: uniqueId('EX'),
            merchantId: m.ids.vendor,
            period,
            tradeNos: [tradeNo],
        });

        const early = await m.vendor.api.post('/v1/exemptions', filing(exported));
        const notExported = await m.vendor.api.post('/v1/exemptions', filing(pending));
        const guard = ok(await m.vendor.api.post('/v1/exemptions/check', filing(pending)));
        const claimed = ok(await m.vendor.api.get(`/v1/trades/${exported}/exemption`));

        failed(early, 422, 'RULE_V28');
        failed(notExported, 422, 'RULE_V29');
        expect(at(guard, 'result.verdict')).toBe('FAIL');
        expect(list(guard, 'result.findings').map((f) => at(f, 'reason'))).toContain('CU09_NOT_EXPORTED');
        expect(claimed).toMatchObject({ tradeNo: exported, filingNo: null });
    });

    describe('V31: conversion rates are customs’, published on the ledger', () => {
        const month = (): string => today().slice(0, 7);
        /** Customs (re-)publishes this month's CNY rate as the next version (the test ledger is kept between runs). */
        const publishCny = async (rate: string): Promise<void> => {
            const versions = list(ok(await m.customs.api.get(`/v1/rates/${month()}`)), 'versions');
            const latest = Math.max(0, ...versions.map((v) => Number(at(v, 'version'))));
            const body = { month: month(), version: latest + 1, rates: [{ currency: 'CNY', rate }] };
            failed(await m.broker.api.post('/v1/rates', body), 403, 'FORBIDDEN');
            ok(await m.customs.api.post('/v1/rates', body), 201);
        };
        const cnyTrade = (amount: number, unitPrice: number): Promise<string> =>
            newTrade({
                currency: 'CNY',
                lines: [{ lineId: 'L1', goodsCode: m.goodsCode, qty: amount / unitPrice, unitPrice, amount }],
            });

        it('the CNY 1,060,000.00 shipment is measured at the published 0.142857, not a declared 0.0142857: 422 RULE_V01', async () => {
            await publishCny('0.142857');
            const tradeNo = await cnyTrade(106_000_000, 10_000);
            const { declaration } = await consolidateAndPack(m, [tradeNo]);
            const declNo = declaration.declNo as string;

            const cheat = await m.broker.api.post('/v1/declarations', {
                ...declaration,
                rates: [{ currency: 'CNY', rate: '0.0142857' }],
            });
            const preview = ok(await m.broker.api.post('/v1/declarations/preview', omit(declaration, 'declNo')));
            const refused = await m.broker.api.post('/v1/declarations', declaration);
            const inForce = ok(await m.bank.api.get(`/v1/rates/${month()}`));

            failed(cheat, 400, 'INVALID');
            expect(preview).toMatchObject({
                totalValueUsd: 15_142_842,
                withinCap: false,
                rates: [{ currency: 'CNY', rate: '0.142857' }],
            });
            expect(failed(refused, 422, 'RULE_V01').message).toContain(
                'total USD 151428.42 is above the USD 150,000 cap',
            );
            expect(inForce).toMatchObject({ inForce: { rates: [{ currency: 'CNY', rate: '0.142857' }] } });
            expect((await m.broker.api.get(`/v1/declarations/${declNo}`)).status).toBe(404);
            expect(ok(await m.vendor.api.get(`/v1/trades/${tradeNo}`))).toMatchObject({ status: 'PACKED' });
        });

        it('a bank credit at ten times customs’ rate fails the check and is refused with 422 RULE_V31_RATE_OUTSIDE_TOLERANCE, one within 5 % kept', async () => {
            await publishCny('0.142857'); // 7.000007 CNY per USD
            const tradeNo = await cnyTrade(852_000, 852);
            await exportTrades(m, [tradeNo]);
            const credit = (rate: string): Record<string, unknown> =>
                receipt(tradeNo, 100_000, { allocations: [{ tradeNo, amountMinor: 100_000, rate }] });

            const proposed = omit(credit('70'), 'receiptRef', 'channel', 'payer');
            const checked = ok(await m.bank.api.post('/v1/receipts/check', { receipt: proposed }));
            const tenfold = await m.bank.api.post('/v1/receipts', credit('70'));
            const untouched = ok(await m.bank.api.get(`/v1/trades/${tradeNo}/settlement`));
            ok(await m.bank.api.post('/v1/receipts', credit('7.1')), 201);
            const settled = ok(await m.bank.api.get(`/v1/trades/${tradeNo}/settlement`));

            expect(failed(tenfold, 422, 'RULE_V31_RATE_OUTSIDE_TOLERANCE').message).toMatch(
                /rate 70 CNY per USD is 9\d\d\.\d\d % from the customs rate 7\.00001 of/,
            );
            // the check, asked first, already says what the filing refuses
            expect(at(checked, 'result.verdict')).toBe('FAIL');
            const bk07 = list(checked, 'result.checks').find((c) => str(c, 'id') === 'BK-07');
            expect(list(bk07, 'findings').map((f) => str(f, 'reason'))).toContain('BK07_RATE_OUTSIDE_TOLERANCE');
            expect(untouched).toMatchObject({ allocatedMinor: 0, allocationCount: 0 });
            expect(settled).toMatchObject({ allocatedMinor: 710_000, allocationCount: 1 });
        });
    });
});
