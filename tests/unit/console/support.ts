import request from 'supertest';
import type { Express } from 'express';
import type { DeclarationPreview, LineTrace } from '../../../gateway/src/routes/declarations/schema';
import type { z } from 'zod';
import type { FakeLedger } from '../gateway/fake-ledger';
import { ChaincodeRejection } from '../../../gateway/src/ledger/errors';
import { bankCheck, declaration, trade } from '../gateway/ledger-answers';

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

/** GB18030 bytes of `text` (Node encodes only UTF-8): each character's bytes found by decoding the double-byte range. */
export function gb18030(text: string): Buffer {
    const decoder = new TextDecoder('gb18030');
    const codes = new Map<string, number[]>();
    for (let lead = 0x81; lead <= 0xfe; lead++)
        for (let trail = 0x40; trail <= 0xfe; trail++) {
            if (trail === 0x7f) continue;
            const char = decoder.decode(Uint8Array.of(lead, trail));
            if (!codes.has(char)) codes.set(char, [lead, trail]);
        }
    const bytes: number[] = [];
    for (const char of text) {
        const code = char.charCodeAt(0);
        const encoded = code < 0x80 ? [code] : codes.get(char);
        if (encoded === undefined) throw new Error(`no GB18030 double-byte code for ${char}`);
        bytes.push(...encoded);
    }
    return Buffer.from(bytes);
}

/** Goods the fake registry refuses (V03), as the chaincode would. */
export const UNREGISTERED_GOODS = 'G-404';

type PreviewLine = z.input<typeof DeclarationPreview>['lines'][number];

const previewLine = (gNo: number, hsCode: string, valueUsd: number, mergedChapter: string | null): PreviewLine => ({
    gNo,
    hsCode,
    name: mergedChapter === null ? `Goods ${gNo}` : `Chapter ${mergedChapter}`,
    qty: 100 * gNo,
    unit: 'PCS',
    valueUsd,
    mergedChapter,
    isItemised: mergedChapter === null,
    sources: [
        {
            tradeNo: 'T-P1',
            lineId: 'L1',
            goodsCode: `G-${gNo}`,
            hsCode,
            qty: 1,
            amount: valueUsd,
            currency: 'USD',
            valueUsd,
        },
    ],
});

/**
 * The fake ledger answers the write pages as the chaincode would: trades registered (one by one or in bulk, goods
 * `G-404` refused under V03), the agent's packed trades, a declaration previewed (over the V01 cap when it carries
 * `T-BIG`) and filed.
 */
export function answerWritePages(ledger: FakeLedger): void {
    type Row = { tradeNo: string; vendorId: string; agentId: string; lines: { goodsCode: string }[] };
    const registered = (body: Row): ReturnType<typeof trade> =>
        trade(body.tradeNo, { vendorId: body.vendorId, agentId: body.agentId, status: 'CONFIRMED', declNo: undefined });
    const line = (goodsCode: string, nameEn: string): ReturnType<typeof trade>['lines'][number] => ({
        lineId: 'L1',
        goodsCode,
        hsCode: '9503006000',
        nameEn,
        unit: 'PCS',
        qty: 10,
        unitPrice: 250,
        amount: 2500,
    });
    ledger.on('TradeContract:ListTradesByVendor', ([vendorId = '']) => ({
        items: [
            trade('T-1', { vendorId, lines: [line('G-1', 'Plush toy')] }),
            trade('T-2', { vendorId, lines: [line('G-2', 'Yo-yo'), line('G-1', 'Plush toy')] }),
        ],
        bookmark: '',
    }));
    ledger.on('TradeContract:RegisterTrade', ([json = '{}']) => {
        const body = JSON.parse(json) as Row;
        if (body.lines.some((line) => line.goodsCode === UNREGISTERED_GOODS))
            throw new ChaincodeRejection(
                'RULE_V03',
                `goods ${UNREGISTERED_GOODS} is not registered to ${body.vendorId}`,
            );
        return registered(body);
    });
    ledger.on('TradeContract:RegisterTrades', ([json = '[]']) => {
        const rows = JSON.parse(json) as Row[];
        const results = rows.map((row, index) =>
            row.lines.some((line) => line.goodsCode === UNREGISTERED_GOODS)
                ? {
                      index,
                      ok: false,
                      tradeNo: row.tradeNo,
                      code: 'RULE_V03',
                      message: `goods ${UNREGISTERED_GOODS} is not registered`,
                  }
                : { index, ok: true, tradeNo: row.tradeNo },
        );
        const failed = results.filter((r) => !r.ok).length;
        return { results, registered: results.length - failed, failed };
    });
    ledger.on('TradeContract:ListTradesByAgent', ([agentId = '']) => ({
        items: [
            trade('T-P1', { agentId, status: 'PACKED', packingNo: 'PK-7', declNo: undefined, totalAmount: 4_000_000 }),
            trade('T-BIG', {
                agentId,
                status: 'PACKED',
                packingNo: 'PK-7',
                declNo: undefined,
                totalAmount: 900_000_000,
            }),
            trade('T-DONE', { agentId, status: 'DECLARED', packingNo: 'PK-1', declNo: '290120260000000001' }),
        ],
        bookmark: '',
    }));
    ledger.on('DeclarationContract:PreviewDeclaration', ([json = '{}']) => {
        const body = JSON.parse(json) as { tradeNos: string[] };
        const over = body.tradeNos.includes('T-BIG');
        const lines = [
            ...[1, 2, 3, 4, 5].map((gNo) => previewLine(gNo, `950300600${gNo}`, 1_000_000 - gNo * 1000, null)),
            previewLine(6, '6100000000', over ? 12_000_000 : 200_000, '61'),
        ];
        const totalValueUsd = lines.reduce((sum, line) => sum + line.valueUsd, 0);
        return {
            lines,
            rates: [],
            ratesVersion: null,
            totalValueUsd,
            simplified: true,
            withinCap: !over,
            remarkPurchaser: { buyerId: 'B1', name: 'Buyer', nationality: 'KZ', idType: 'PASSPORT', idNumberHash: 'h' },
            violations: over ? [{ code: 'RULE_V01', message: `total ${totalValueUsd} exceeds the cap` }] : [],
        };
    });
    ledger.on('DeclarationContract:FileDeclaration', ([json = '{}']) => {
        const body = JSON.parse(json) as { declNo: string; tradeNos: string[] };
        if (body.tradeNos.includes('T-BIG')) throw new ChaincodeRejection('RULE_V01', 'total exceeds USD 150,000');
        return declaration(body.declNo, body.tradeNos, { status: 'SUBMITTED' });
    });
}
