import { beforeAll, describe, expect, it } from '@jest/globals';
import {
    at,
    BUYER_COUNTRY,
    BUYER_NAME,
    exportTrades,
    failed,
    list,
    marketSuite,
    ok,
    str,
    today,
    tradeBody,
    type Actor,
} from './gateway-support';
import { uniqueId } from './support';

/**
 * V34 bank visibility and V33 financing through the REST API on the real network, across the two bank
 * organisations of the default network (BankOrg and Bank2Org): a second financing of the same trade at the other
 * bank is refused and writes nothing; the other bank sees the financing only as a total and a count; a bank reads
 * only the trades its own receipts or financings rely on.
 */
const { gw, m } = marketSuite();
/** An officer of Bank2Org, for a bank party of its own (onboarded by Bank2Org's registrar). */
let otherBank: Actor;

beforeAll(async () => {
    const partyId = uniqueId('BANKB');
    for (const [step, body] of [
        ['', { partyId, type: 'BANK', legalName: 'Bank Two', countryCode: 'CN', orgMspId: 'Bank2OrgMSP' }],
        [`/${partyId}/verify`, { reason: 'documents checked' }],
        [`/${partyId}/activate`, { reason: 'filing complete' }],
    ] as const) {
        ok(await m.operator.api.post(`/v1/parties${step}`, body), step === '' ? 201 : 200);
    }
    const registrar = gw.bootstrapClient('Bank2Org', 'registrar');
    const username = `bankb-${m.run.toLowerCase()}`;
    const code = ok(await registrar.post('/v1/onboarding', { username, role: 'bank', party: partyId }), 201);
    const enrolled = ok(
        await registrar.as(undefined).post('/v1/enrolment', { enrolmentCode: str(code, 'enrolmentCode') }),
        201,
    );
    otherBank = { org: 'Bank2Org', username, role: 'bank', party: partyId, api: registrar.as(str(enrolled, 'apiKey')) };
});

const exportedTrade = async (): Promise<string> => {
    const tradeNo = uniqueId('T');
    ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
    await exportTrades(m, [tradeNo]);
    return tradeNo;
};

const financing = (tradeNo: string, amountMinor: number): Record<string, unknown> => ({
    financingRef: uniqueId('F'),
    borrowerPartyId: m.ids.vendor,
    items: [{ tradeNo, amountMinor }],
    terms: { contractRef: 'LOAN-1', annualRateBps: 400 },
});

const receipt = (tradeNo: string, amountMinor: number): Record<string, unknown> => ({
    receiptRef: uniqueId('R'),
    payeePartyId: m.ids.vendor,
    amountMinor,
    currency: 'USD',
    valueDate: today(),
    channel: 'SWIFT',
    allocations: [{ tradeNo, amountMinor }],
    payer: { name: BUYER_NAME, country: BUYER_COUNTRY },
});

describe('what a bank reads (V34)', () => {
    it('bank A cannot read a trade only bank B relies on, sees it as counts in its check, and reads it after its own receipt', async () => {
        const tradeNo = await exportedTrade();
        ok(await otherBank.api.post('/v1/receipts', receipt(tradeNo, 5_000)), 201);
        // guard: bank B, whose receipt relies on it, reads it
        ok(await otherBank.api.get(`/v1/trades/${tradeNo}`));

        // answered exactly like a trade that does not exist
        const hidden = failed(await m.bank.api.get(`/v1/trades/${tradeNo}`), 404, 'NOT_FOUND');
        expect(hidden.message).toContain(`trade ${tradeNo} does not exist`);
        const missingNo = uniqueId('T');
        const missing = failed(await m.bank.api.get(`/v1/trades/${missingNo}`), 404, 'NOT_FOUND');
        expect(missing.message.replace(missingNo, tradeNo)).toBe(hidden.message);
        failed(await m.bank.api.get(`/v1/parties/${m.ids.vendor}`), 404, 'NOT_FOUND');

        const check = ok(
            await m.bank.api.post('/v1/receipts/check', {
                receipt: { ...receipt(tradeNo, 5_000), receiptRef: undefined, channel: undefined, payer: undefined },
            }),
        );
        const bk04 = list(check, 'result.checks').find((c) => at(c, 'id') === 'BK-04');
        expect(at(bk04, 'findings.0.detail')).toMatchObject({ alreadyAllocatedMinor: 5_000, otherBanks: 1 });
        expect(JSON.stringify(check)).not.toContain('Bank2OrgMSP');

        ok(await m.bank.api.post('/v1/receipts', receipt(tradeNo, 5_000)), 201);
        expect(ok(await m.bank.api.get(`/v1/trades/${tradeNo}`))).toMatchObject({ tradeNo });
        expect(ok(await m.bank.api.get(`/v1/parties/${m.ids.vendor}`))).toMatchObject({ partyId: m.ids.vendor });
    });
});

describe('financing against exported income across two bank organisations (V33)', () => {
    it('F2 一单多融: the second bank’s financing of the same value is refused, and it sees only a total and a count', async () => {
        const tradeNo = await exportedTrade();
        const value = Number(at(ok(await m.vendor.api.get(`/v1/trades/${tradeNo}`)), 'totalAmount'));
        const first = ok(await m.bank.api.post('/v1/financings', financing(tradeNo, value)), 201);
        const financingId = str(first, 'result.financingId');
        expect(at(first, 'result.status')).toBe('OPEN');

        const refused = await otherBank.api.post('/v1/financings', financing(tradeNo, value));
        expect(failed(refused, 422, 'RULE_V33').message).toMatch(/still financeable/);
        const listed = ok(await otherBank.api.get(`/v1/financings?tradeNo=${tradeNo}`));
        expect(list(listed, 'items')).toEqual([]);
        failed(await otherBank.api.get(`/v1/financings/${financingId}`), 404, 'NOT_FOUND');

        const seen = ok(await otherBank.api.get(`/v1/trades/${tradeNo}/settlement`));
        expect(seen).toMatchObject({
            financingStatus: 'FINANCED',
            financedMinor: value,
            financingBanksCount: 1,
            ownFinancedMinor: 0,
        });
        expect(JSON.stringify(seen)).not.toContain('BankOrgMSP');
        expect(JSON.stringify(seen)).not.toContain(m.ids.bank);

        // its own receipt of that income is referred by BK-10, naming no bank
        const check = ok(
            await otherBank.api.post('/v1/receipts/check', {
                receipt: { ...receipt(tradeNo, value), receiptRef: undefined, channel: undefined, payer: undefined },
            }),
        );
        const bk10 = list(check, 'result.checks').find((c) => at(c, 'id') === 'BK-10');
        expect(at(bk10, 'reason')).toBe('BK10_FINANCED_BY_OTHER_BANK');
        expect(JSON.stringify(at(check, 'result.checks'))).not.toContain('BankOrgMSP');
    });

    it('repayment closes the financing; the trade may then be financed at the other bank', async () => {
        const tradeNo = await exportedTrade();
        const first = ok(await m.bank.api.post('/v1/financings', financing(tradeNo, 10_000)), 201);
        const financingId = str(first, 'result.financingId');
        const closed = ok(await m.bank.api.post(`/v1/financings/${financingId}/close`, { outcome: 'REPAID' }));
        expect(at(closed, 'result.status')).toBe('REPAID');
        const seen = ok(await otherBank.api.get(`/v1/trades/${tradeNo}/settlement`));
        expect(seen).toMatchObject({ financingStatus: 'FINANCING_CLOSED', financedMinor: 0 });
        ok(await otherBank.api.post('/v1/financings', financing(tradeNo, 10_000)), 201);
    });
});
