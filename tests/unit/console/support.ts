import request from 'supertest';
import type { Express } from 'express';
import type { LineTrace } from '../../../gateway/src/routes/declarations/schema';
import type { z } from 'zod';
import type { FakeLedger } from '../gateway/fake-ledger';
import { bankCheck, trade } from '../gateway/ledger-answers';

/** The hidden CSRF field of the first form in a page. */
export function csrfOf(page: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (token === undefined) throw new Error(`no CSRF field in page:\n${page.slice(0, 500)}`);
    return token;
}

/** A cookie-keeping client, like a browser: signs in through the sign-in form. */
export function browser(app: Express): request.Agent {
    return request.agent(app);
}

export async function signIn(agent: request.Agent, apiKey: string): Promise<request.Response> {
    const page = await agent.get('/sign-in');
    return agent
        .post('/sign-in')
        .type('form')
        .send({ _csrf: csrfOf(page.text), method: 'key', apiKey });
}

/** Who signed a record, and in which transaction (the chaincode's Signature). */
const signed = (txId: string): z.input<typeof LineTrace>['declarationFiledBy'] => ({
    mspId: 'MarketOrgMSP',
    id: 'x509::seed',
    role: 'operator',
    party: 'OP-MARKET',
    txId,
    at: '2026-03-01T08:00:00.000Z',
});

const party = (partyId: string, type: string, legalName: string): z.input<typeof LineTrace>['consignor'] => ({
    partyId,
    type,
    legalName,
    status: 'ACTIVE',
    filedBy: signed('f'.repeat(64)),
    updatedBy: signed('a'.repeat(64)),
});

/** A declaration line traced to two vendors' goods, one consolidation and one container. */
export function lineTrace(): z.input<typeof LineTrace> {
    const contribution = (
        tradeNo: string,
        vendor: string,
        valueUsd: number,
    ): z.input<typeof LineTrace>['contributions'][number] => ({
        tradeNo,
        lineId: 'L1',
        valueUsd,
        tradeDate: '2026-03-01',
        unitPrice: 250,
        tradeRegisteredBy: signed('b'.repeat(64)),
        vendor: party(vendor, 'MERCHANT', `Stall ${vendor}`),
        agent: party('A-0001', 'AGENT', 'Yiwu Export Agent'),
        buyer: party('B-0001', 'BUYER', 'Buyer One'),
        producer: null,
        consolidator: party('C-0001', 'CONSOLIDATOR', 'Consolidator One'),
    });
    return {
        declNo: '290120260000000001',
        gNo: 1,
        hsCode: '9503006000',
        name: 'Toys',
        valueUsd: 750_000,
        mergedChapter: null,
        declarationStatus: 'RELEASED',
        declarationFiledBy: signed('d'.repeat(64)),
        consignor: party('A-0001', 'AGENT', 'Yiwu Export Agent'),
        broker: party('K-0001', 'BROKER', 'Broker One'),
        packing: { packingNo: 'PK-0001', site: 'Yiwu', createdBy: signed('c'.repeat(64)) },
        contributions: [contribution('T-1', 'V-0001', 250_000), contribution('T-2', 'V-0002', 500_000)],
        accountable: [
            { partyId: 'V-0001', role: 'VENDOR', valueUsd: 250_000 },
            { partyId: 'V-0002', role: 'VENDOR', valueUsd: 500_000 },
        ],
    };
}

/** The fake ledger answers as the chaincode would for the console's pages. */
export function answerConsolePages(ledger: FakeLedger, committedTx: string): void {
    ledger.on('TradeContract:ListTradesByVendor', ([vendorId = '']) => ({
        items: [
            trade('T-1', { vendorId, totalAmount: 1_234_567_89, currency: 'USD', status: 'EXPORTED' }),
            trade('T-2', { vendorId, status: 'CONFIRMED', declNo: undefined }),
        ],
        bookmark: '',
    }));
    ledger.on('TradeContract:GetTrade', ([tradeNo = '']) =>
        trade(tradeNo, {
            vendorId: 'V-0001',
            lines: [
                {
                    lineId: 'L1',
                    goodsCode: 'G-1',
                    hsCode: '9503006000',
                    nameEn: 'Plush toy',
                    unit: 'PCS',
                    qty: 12_000,
                    unitPrice: 250,
                    amount: 3_000_000,
                },
            ],
        }),
    );
    ledger.on('TradeContract:GetTradeHistory', ([tradeNo = '']) => ({
        tradeNo,
        history: [
            {
                txId: committedTx,
                timestamp: '2026-03-01T16:30:00.000Z',
                isDelete: false,
                value: trade(tradeNo, { status: 'CONFIRMED' }),
            },
        ],
    }));
    ledger.on('ReceiptContract:CheckReceipt', () => ({
        ...bankCheck({
            verdict: 'FAIL',
            checks: [
                { id: 'BK-01', name: 'PayeeFiled', outcome: 'PASS', reason: 'BK01_PAYEE_ACTIVE', findings: [] },
                {
                    id: 'BK-04',
                    name: 'NoReuse',
                    outcome: 'FAIL',
                    reason: 'BK04_AMOUNT_EXCEEDS_REMAINING',
                    findings: [
                        {
                            subject: 'T-1',
                            outcome: 'FAIL',
                            reason: 'BK04_AMOUNT_EXCEEDS_REMAINING',
                            detail: { remainingMinor: 0 },
                        },
                    ],
                },
            ],
            trades: [
                {
                    tradeNo: 'T-1',
                    currency: 'USD',
                    valueMinor: 250_000,
                    capMinor: 262_500,
                    allocatedBeforeMinor: 250_000,
                    thisReceiptMinor: 100_000,
                    allocatedAfterMinor: 350_000,
                    remainingMinor: 0,
                    otherBanksCount: 2,
                    exported: true,
                    financedMinor: 0,
                    otherFinancingBanksCount: 0,
                },
            ],
            reliedOn: { tradeNos: ['T-1'], declNos: [] },
        }),
        records: [{ recordType: 'trade', recordId: 'T-1', txId: committedTx }],
    }));
    ledger.on('CustomsContract:TraceDeclarationLine', () => lineTrace());
}
