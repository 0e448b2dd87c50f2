import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import { RATE_TOLERANCE_BPS, assertDealingRate, ratesInForce } from '../../../chaincode/src/rules/rates';
import type { ExchangeRates } from '../../../chaincode/src/model/records';
import * as id from './support/identities';
import { DECL1, DECL2, World } from './support/world';
import { exchangeRates, seed, settlementLedger, standardWorld, BANK1_MSP } from './receipt-fixtures';
import type { FakeLedger } from './support/fake-ledger';

const j = JSON.stringify;
const publication = (version: number, rate: string, month = '2024-03'): string =>
    j({ month, version, rates: [{ currency: 'CNY', rate }] });

describe('RatesContract: customs publishes dated, versioned rates (V31)', () => {
    let w: World;
    beforeEach(async () => {
        w = await World.market();
    }, 30_000);

    it('lets only customs publish, and every role that declares or checks read', async () => {
        for (const who of [id.operator(), id.agent('A1'), id.broker('K1'), id.bank('BK1'), id.vendor('V1')]) {
            await expect(w.submit(who, (ctx) => w.rates.PublishRates(ctx, publication(1, '0.14')))).rejects.toThrow(
                /^FORBIDDEN: role \w+ may not call RatesContract.PublishRates/,
            );
        }
        const published = await w.json(id.customs(), (ctx) => w.rates.PublishRates(ctx, publication(1, '0.14')));
        expect(published).toMatchObject({
            month: '2024-03',
            version: 1,
            rates: [{ currency: 'CNY', rate: '0.14' }],
            publishedBy: { mspId: 'CustomsOrgMSP', role: 'customs', at: w.ledger.lastTx?.timestamp },
        });
        expect(w.ledger.lastTx?.events).toEqual([
            expect.objectContaining({
                name: 'RatesPublished',
                payload: expect.objectContaining({ month: '2024-03', version: 1, currencies: ['CNY'] }) as object,
            }),
        ]);
        for (const who of [id.agent('A1'), id.broker('K1'), id.bank('BK1'), id.auditor(), id.operator()]) {
            await expect(w.query(who, (ctx) => w.rates.GetRates(ctx, '2024-03'))).resolves.toMatchObject({
                inForce: { version: 1 },
            });
        }
        await expect(w.query(id.vendor('V1'), (ctx) => w.rates.GetRates(ctx, '2024-03'))).rejects.toThrow(
            /^FORBIDDEN: /,
        );
    });

    it('keeps every version; a re-publication takes over, an old or repeated version is refused', async () => {
        await w.publishRates('2024-03', { CNY: '0.14' });
        await w.publishRates('2024-03', { CNY: '0.138' }, 2);
        await expect(w.submit(id.customs(), (ctx) => w.rates.PublishRates(ctx, publication(2, '0.5')))).rejects.toThrow(
            'CONFLICT: rates of 2024-03: version 2 is not above the latest 2',
        );
        const rates = await w.query<{ inForce: ExchangeRates; versions: ExchangeRates[] }>(id.customs(), (ctx) =>
            w.rates.GetRates(ctx, '2024-03'),
        );
        expect(rates.inForce.rates).toEqual([{ currency: 'CNY', rate: '0.138' }]);
        expect(rates.versions.map((v) => [v.version, v.rates[0]?.rate])).toEqual([
            [1, '0.14'],
            [2, '0.138'],
        ]);
        await expect(w.query(id.customs(), (ctx) => w.rates.GetRates(ctx, '2024-04'))).resolves.toEqual({
            month: '2024-04',
            inForce: null,
            versions: [],
        });
    });

    it.each([
        [
            'USD itself',
            j({ month: '2024-03', version: 1, rates: [{ currency: 'USD', rate: '1' }] }),
            /USD converts at 1/,
        ],
        [
            'a currency twice',
            j({
                month: '2024-03',
                version: 1,
                rates: [
                    { currency: 'CNY', rate: '0.14' },
                    { currency: 'CNY', rate: '0.15' },
                ],
            }),
            /CNY appears twice/,
        ],
        ['a zero rate', publication(1, '0'), /rate must be greater than zero/],
        ['a month that is not one', publication(1, '0.14', '2024-13'), /month must be a month YYYY-MM/],
        ['no rate at all', j({ month: '2024-03', version: 1, rates: [] }), /^INVALID: rates.rates/],
    ])('refuses %s', async (_, json, message) => {
        await expect(w.submit(id.customs(), (ctx) => w.rates.PublishRates(ctx, json))).rejects.toThrow(message);
    });

    it('picks the version published by the moment of use', () => {
        const at = (version: number, time: string): ExchangeRates => ({
            ...exchangeRates('2024-03', { CNY: `0.1${String(version)}` }, version),
            publishedBy: { ...exchangeRates('2024-03', {}).publishedBy, at: time },
        });
        const versions = [at(2, '2024-03-10T00:00:00.000Z'), at(1, '2024-03-01T00:00:00.000Z')];
        expect(ratesInForce(versions, '2024-02-28T00:00:00.000Z')).toBeUndefined();
        expect(ratesInForce(versions, '2024-03-05T00:00:00.000Z')?.version).toBe(1);
        expect(ratesInForce(versions, '2024-03-10T00:00:00.000Z')?.version).toBe(2);
    });
});

describe('declarations convert at the published rate of their month (V31)', () => {
    let w: World;
    /** A CNY 1,060,000.00 shipment (the case) packed in PK1. */
    beforeEach(async () => {
        w = await World.market();
        await w.registerTrade('T1', [{ goods: 'G2', qty: 21_200, unitPrice: 5000 }], { currency: 'CNY' });
        await w.consolidate('O1', ['T1']);
        await w.pack('PK1', ['O1']);
    }, 30_000);

    it('refuses a declaration whose month has no published rate, naming the month and currency', async () => {
        await expect(w.fileDeclaration(DECL1, 'PK1', ['T1'])).rejects.toThrow(
            'RULE_V31_RATE_MISSING: no customs rate for CNY in 2024-03 (customs has published no rates for that month)',
        );
        await w.publishRates('2024-03', { EUR: '1.08' });
        await expect(w.fileDeclaration(DECL1, 'PK1', ['T1'])).rejects.toThrow(
            'RULE_V31_RATE_MISSING: no customs rate for CNY in 2024-03 (version 1 of 2024-03 has EUR)',
        );
        await w.publishRates('2024-02', { CNY: '0.0142857' });
        await expect(w.fileDeclaration(DECL1, 'PK1', ['T1'])).rejects.toThrow('RULE_V31_RATE_MISSING');
    });

    it('measures the cap at the published rate and takes no rate from the declarant', async () => {
        await w.publishRates('2024-03', { CNY: '0.142857' });
        await expect(
            w.fileDeclaration(DECL1, 'PK1', ['T1'], { rates: [{ currency: 'CNY', rate: '0.0142857' }] }),
        ).rejects.toThrow('INVALID: declaration has unknown field(s): rates');
        await expect(w.fileDeclaration(DECL1, 'PK1', ['T1'])).rejects.toThrow(
            'RULE_V01: total USD 151428.42 is above the USD 150,000 cap',
        );
        const preview = await w.query<{ totalValueUsd: number; rates: unknown; violations: { code: string }[] }>(
            id.agent('A1'),
            (ctx) =>
                w.declaration.PreviewDeclaration(
                    ctx,
                    j({ ...w.declarationInput(DECL1, 'PK1', ['T1']), declNo: undefined }),
                ),
        );
        expect(preview).toMatchObject({
            totalValueUsd: 15_142_842,
            rates: [{ currency: 'CNY', rate: '0.142857' }],
            violations: [{ code: 'RULE_V01' }],
        });
    });

    it('keeps the version a declaration was filed under when customs re-publishes the month', async () => {
        await w.publishRates('2024-03', { CNY: '0.14' });
        await w.registerTrade('T2', [{ goods: 'G2', qty: 100, unitPrice: 5000 }], { currency: 'CNY' });
        await w.consolidate('O2', ['T2']);
        await w.pack('PK2', ['O2'], 'MSCU7654321');
        const filed = await w.fileDeclaration(DECL2, 'PK2', ['T2']);
        expect(filed).toMatchObject({
            totalValueUsd: 70_000,
            rates: [{ currency: 'CNY', rate: '0.14' }],
            ratesVersion: 1,
        });
        await w.publishRates('2024-03', { CNY: '0.12' }, 2);
        const check = await w.query<{ verdict: string; checks: { id: string; result: string }[]; reliedOn: unknown[] }>(
            id.customs(),
            (ctx) => w.customs.CheckDeclaration(ctx, DECL2),
        );
        expect(check.checks.find((c) => c.id === 'CU-04')?.result).toBe('PASS');
        expect(check.reliedOn).toContainEqual(
            expect.objectContaining({ recordType: 'exchangeRates', recordId: '2024-03/000001' }),
        );
    });
});

describe('bank dealing rates stay within the V31 tolerance of the customs rate', () => {
    /** Customs: CNY 0.125 USD, so 8 CNY per USD exactly; 5 % either way is 7.6 .. 8.4. */
    const table = exchangeRates('2024-03', { CNY: '0.125' });
    const dealing =
        (rate: string, from = 'USD', to = 'CNY') =>
        (): void => {
            assertDealingRate(table, { from, to, rate, month: '2024-03', what: 'test' });
        };

    it('accepts exactly 5 % either side and refuses one step beyond', () => {
        expect(RATE_TOLERANCE_BPS).toBe(500);
        for (const rate of ['8', '8.4', '7.6']) expect(dealing(rate)).not.toThrow();
        expect(dealing('8.400000000001')).toThrow(/^RULE_V31_RATE_OUTSIDE_TOLERANCE: test: rate 8.400000000001/);
        expect(dealing('7.599999999999')).toThrow(/^RULE_V31_RATE_OUTSIDE_TOLERANCE/);
        for (const rate of ['0.125', '0.13125', '0.11875']) expect(dealing(rate, 'CNY', 'USD')).not.toThrow();
        expect(dealing('0.1313', 'CNY', 'USD')).toThrow(/RULE_V31_RATE_OUTSIDE_TOLERANCE/);
    });

    it('names the month and currency it has no rate for', () => {
        expect(dealing('1.08', 'EUR', 'USD')).toThrow(
            'RULE_V31_RATE_MISSING: no customs rate for EUR in 2024-03 (version 1 of 2024-03 has CNY)',
        );
    });
});

describe('receipts: a bank allocates at its dealing rate only near the customs rate (V31)', () => {
    const contract = new ReceiptContract();
    let ledger: FakeLedger;
    beforeEach(async () => {
        ledger = settlementLedger();
        await standardWorld(ledger);
        ledger.setTime('2024-04-10T08:00:00.000Z');
    });
    const receipt = (over: Record<string, unknown>): string =>
        j({
            receiptRef: 'R1',
            payeePartyId: 'V1',
            amountMinor: 100_000,
            currency: 'USD',
            valueDate: '2024-03-02',
            channel: 'SWIFT',
            allocations: [{ tradeNo: 'T3', amountMinor: 100_000, rate: '6.849315' }],
            ...over,
        });
    const file = (json: string): Promise<string> =>
        ledger.submit(id.bank('BANK1', BANK1_MSP), (ctx: Context) => contract.FileReceipt(ctx, json));

    it('credits the trade amount × rate (trade currency per receipt unit) at a rate near the customs one', async () => {
        const filed = JSON.parse(await file(receipt({}))) as { allocations: { tradeAmountMinor: number }[] };
        // USD 1,000.00 at 6.849315 CNY per USD (customs: 1 / 0.146) credits CNY 6,849.32 (rounded up)
        expect(filed.allocations[0]?.tradeAmountMinor).toBe(684_932);
    });

    it('refuses an allocation at 10× the customs rate, and changes nothing', async () => {
        await expect(
            file(receipt({ allocations: [{ tradeNo: 'T3', amountMinor: 100_000, rate: '68.49315' }] })),
        ).rejects.toThrow(
            /^RULE_V31_RATE_OUTSIDE_TOLERANCE: allocation to trade T3: rate 68.49315 CNY per USD is 900.00 % from the customs rate 6.84932 of 2024-03/,
        );
        expect(ledger.read('\u0000receipt\u0000BankOrgMSP\u0000R1\u0000')).toBeUndefined();
    });

    it('refuses a usdRate far from the customs rate, and a value-date month customs has not published', async () => {
        await expect(file(receipt({ currency: 'CNY', usdRate: '0.0146', allocations: [] }))).rejects.toThrow(
            /^RULE_V31_RATE_OUTSIDE_TOLERANCE: receipt.usdRate: rate 0.0146 USD per CNY/,
        );
        await expect(file(receipt({ valueDate: '2024-02-28' }))).rejects.toThrow(
            'RULE_V31_RATE_MISSING: no customs rate for CNY in 2024-02 (customs has published no rates for that month)',
        );
        await seed(ledger, [exchangeRates('2024-02', { CNY: '0.146' })]);
        await expect(file(receipt({ valueDate: '2024-02-28' }))).resolves.toContain('"status":"ALLOCATED"');
    });

    it('CheckReceipt reports what FileReceipt would refuse: BK-07 FAIL at 10×, REFER for an unpublished month', async () => {
        const check = async (over: Record<string, unknown>): Promise<{ verdict: string; reasons: string[] }> => {
            const proposal = JSON.parse(receipt({ receiptRef: undefined, channel: undefined, ...over })) as object;
            const raw = await ledger.evaluate(id.bank('BANK1', BANK1_MSP), (ctx: Context) =>
                contract.CheckReceipt(ctx, j({ receipt: proposal })),
            );
            const result = JSON.parse(raw) as {
                verdict: string;
                checks: { id: string; findings: { reason: string }[] }[];
            };
            const bk07 = result.checks.find((c) => c.id === 'BK-07');
            return { verdict: result.verdict, reasons: (bk07?.findings ?? []).map((f) => f.reason) };
        };
        expect((await check({})).reasons).toEqual(['BK07_WITHIN_VALUE']);
        await expect(
            check({ allocations: [{ tradeNo: 'T3', amountMinor: 100_000, rate: '68.49315' }] }),
        ).resolves.toEqual({ verdict: 'FAIL', reasons: ['BK07_EXCEEDS_TOLERANCE', 'BK07_RATE_OUTSIDE_TOLERANCE'] });
        const unpublished = await check({ valueDate: '2024-02-28' });
        expect(unpublished.reasons).toEqual(['BK07_WITHIN_VALUE', 'BK07_RATE_NOT_PUBLISHED']);
        expect(unpublished.verdict).not.toBe('PASS');
    });
});
