import { beforeAll, describe, expect, it } from '@jest/globals';
import {
    at,
    certificatesOf,
    channelHeight,
    failed,
    hex64,
    marketSuite,
    ok,
    str,
    today,
    tradeBody,
    transactionsSince,
    type Client,
    type Res,
} from './gateway-support';
import { uniqueId } from './support';

/**
 * Bad input on write endpoints, on the real network: each request gets a clear 4xx with the error body, and the
 * channel does not move because of it. The ledger probe reads the peer's block height and every transaction in
 * the blocks appended meanwhile: none may be signed by this suite's people (another suite or the seed loader may
 * write at the same time; their transactions are told apart by the certificate that signed them).
 */
const { gw, m } = marketSuite({ MPT_BODY_LIMIT_BYTES: String(64 * 1024) });
let ours: Set<string>;

beforeAll(() => {
    ours = certificatesOf(gw, [m.operator, m.vendor, m.agent, m.consolidator, m.broker, m.customs, m.bank]);
});

/** Runs the requests, then returns what this suite's people wrote to the channel meanwhile. */
async function writtenBy(requests: () => Promise<void>): Promise<string[]> {
    const from = await channelHeight();
    await requests();
    const after = await transactionsSince(from);
    return after.filter((tx) => ours.has(tx.creator)).map((tx) => tx.txId);
}

/** Injection strings: refused in IDs, codes and paths; `text` ones also in names and free text (see below). */
const INJECTIONS: { s: string; text: boolean }[] = [
    { s: "'; DROP TABLE trades; --", text: false },
    { s: '<script>alert(1)</script>', text: true },
    { s: 'nul\u0000byte', text: true },
    { s: '../../etc/passwd', text: false },
    { s: 'x'.repeat(10_000), text: true },
    { s: 'bell\u0007 and escape \u001b[31m', text: true },
];

describe('bad input on write endpoints is refused with a 4xx and writes nothing', () => {
    it('the probe sees a good write by this suite (so an empty answer below means something)', async () => {
        const tradeNo = uniqueId('T');
        let txId = '';
        const written = await writtenBy(async () => {
            txId = str(ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201), 'txId');
        });

        expect(written).toEqual([txId]);
    });

    it('malformed JSON, a wrong content type and a body over the limit', async () => {
        const results: Res[] = [];
        const written = await writtenBy(async () => {
            results.push(await m.vendor.api.postRaw('/v1/trades', '{"tradeNo": "T-1", "lines": [}'));
            results.push(await m.vendor.api.postRaw('/v1/trades', JSON.stringify(tradeBody(m, 'T-X')), 'text/plain'));
            const huge = tradeBody(m, uniqueId('T'), { remark: 'a'.repeat(100 * 1024) });
            results.push(await m.vendor.api.postRaw('/v1/trades', JSON.stringify(huge)));
            results.push(await m.vendor.api.postRaw('/v1/trades', 'null'));
            results.push(await m.vendor.api.postRaw('/v1/trades', '[]'));
        });

        failed(results[0] as Res, 400, 'MALFORMED_JSON');
        failed(results[1] as Res, 415, 'UNSUPPORTED_MEDIA_TYPE');
        failed(results[2] as Res, 413, 'PAYLOAD_TOO_LARGE');
        failed(results[3] as Res, 400, /^(INVALID|MALFORMED_JSON)$/);
        failed(results[4] as Res, 400, 'INVALID');
        expect(written).toEqual([]);
    });

    it('wrong types and unknown fields in a trade, a party, goods, a receipt and a declaration', async () => {
        const cases: [Client, string, Record<string, unknown>][] = [
            [m.vendor.api, '/v1/trades', tradeBody(m, uniqueId('T'), { agencyReceipt: 'yes' })],
            [m.vendor.api, '/v1/trades', tradeBody(m, uniqueId('T'), { lines: 'L1' })],
            [
                m.vendor.api,
                '/v1/trades',
                tradeBody(m, uniqueId('T'), {
                    lines: [{ lineId: 'L1', goodsCode: m.goodsCode, qty: '1000', unitPrice: 120, amount: 120_000 }],
                }),
            ],
            [
                m.vendor.api,
                '/v1/trades',
                tradeBody(m, uniqueId('T'), {
                    lines: [{ lineId: 'L1', goodsCode: m.goodsCode, qty: 1.5, unitPrice: 120, amount: 180 }],
                }),
            ],
            [m.vendor.api, '/v1/trades', tradeBody(m, uniqueId('T'), { isAdmin: true })],
            [m.vendor.api, '/v1/trades', tradeBody(m, uniqueId('T'), { tradeDate: '2026-02-30' })],
            [
                m.operator.api,
                '/v1/parties',
                { partyId: uniqueId('P'), type: 'WIZARD', legalName: 'X', countryCode: 'CN' },
            ],
            [
                m.operator.api,
                '/v1/parties',
                { partyId: uniqueId('P'), type: 'PRODUCER', legalName: 7, countryCode: 'CN' },
            ],
            [
                m.vendor.api,
                '/v1/goods',
                {
                    goodsCode: uniqueId('G'),
                    ownerId: m.ids.vendor,
                    nameCn: 'x',
                    nameEn: 'x',
                    hsCode: '95030089',
                    unit: 'PCS',
                    producerId: m.ids.producer,
                    priceRange: { currency: 'USD', minUnitPrice: 1, maxUnitPrice: 2 },
                },
            ],
            [
                m.bank.api,
                '/v1/receipts',
                {
                    receiptRef: uniqueId('R'),
                    payeePartyId: m.ids.vendor,
                    amountMinor: -5,
                    currency: 'USD',
                    valueDate: today(),
                    channel: 'SWIFT',
                    allocations: [],
                },
            ],
            [
                m.bank.api,
                '/v1/receipts',
                {
                    receiptRef: uniqueId('R'),
                    payeePartyId: m.ids.vendor,
                    amountMinor: 1e300,
                    currency: 'usd',
                    valueDate: today(),
                    channel: 'CASH',
                    allocations: [],
                },
            ],
            [m.broker.api, '/v1/declarations', { declNo: '123', packingNo: 'PK-1', tradeNos: [] }],
        ];
        const results: Res[] = [];
        const written = await writtenBy(async () => {
            for (const [client, path, body] of cases) results.push(await client.post(path, body));
        });

        for (const res of results) failed(res, 400, 'INVALID');
        expect(written).toEqual([]);
    });

    // Names and free text are data: an apostrophe or a slash is legitimate there ("O'Brien", "A/B"), so only
    // control characters, markup and overlong text are refused; IDs, codes and path segments refuse them all.
    it.each(INJECTIONS.map(({ s, text }) => [JSON.stringify(s).slice(0, 40), s, text] as const))(
        'the injection string %s is refused in IDs, codes and paths (and in names and text when it is not text)',
        async (_label, injection, refusedAsText) => {
            const results: Res[] = [];
            const written = await writtenBy(async () => {
                results.push(await m.vendor.api.post('/v1/trades', tradeBody(m, injection)));
                results.push(
                    await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId('T'), { buyerId: injection })),
                );
                results.push(await m.vendor.api.post('/v1/documents', { sha256: hex64(), kind: injection }));
                results.push(
                    await m.vendor.api.post(`/v1/trades/${encodeURIComponent(injection)}/cancel`, { reason: 'test' }),
                );
                if (refusedAsText) {
                    results.push(
                        await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId('T'), { remark: injection })),
                    );
                    results.push(
                        await m.operator.api.post('/v1/parties', {
                            partyId: uniqueId('P'),
                            type: 'PRODUCER',
                            legalName: injection,
                            countryCode: 'CN',
                        }),
                    );
                    results.push(
                        await m.operator.api.post(`/v1/parties/${m.ids.producer}/suspend`, { reason: injection }),
                    );
                }
            });

            for (const res of results) {
                expect({ status: res.status, code: at(res.body, 'error.code') }).toEqual(
                    res.status === 404 ? { status: 404, code: 'NOT_FOUND' } : { status: 400, code: 'INVALID' },
                );
                expect(str(res.body, 'error.requestId')).toMatch(/\S/);
            }
            expect(written).toEqual([]);
        },
    );

    it('prototype-pollution keys are refused as unknown fields and pollute nothing', async () => {
        const base = JSON.stringify(tradeBody(m, uniqueId('T')));
        const bodies = [
            `{"__proto__": {"polluted": "yes"}, ${base.slice(1)}`,
            `{"constructor": {"prototype": {"polluted": "yes"}}, ${base.slice(1)}`,
            base.replace('"lineId"', '"__proto__": {"polluted": "yes"}, "lineId"'),
        ];
        const results: Res[] = [];
        const written = await writtenBy(async () => {
            for (const raw of bodies) results.push(await m.vendor.api.postRaw('/v1/trades', raw));
        });

        for (const res of results) failed(res, 400, 'INVALID');
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(written).toEqual([]);
    });

    it('a missing or malformed Idempotency-Key is refused before anything reaches the ledger', async () => {
        const results: Res[] = [];
        const written = await writtenBy(async () => {
            results.push(await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId('T')), 'short'));
            results.push(await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId('T')), "'; DROP TABLE x; --"));
        });

        for (const res of results) failed(res, 400, 'INVALID');
        expect(written).toEqual([]);
    });
});
