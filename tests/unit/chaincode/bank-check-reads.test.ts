import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Context } from 'fabric-contract-api';
import { ReceiptContract } from '../../../chaincode/src/contracts/receipt';
import type { FakeLedger } from './support/fake-ledger';
import { bank } from './support/identities';
import { BANK1_MSP, payerJson, settlementLedger, standardWorld } from './receipt-fixtures';

/**
 * What one bank check asks the peer. fabric-shim sends a transaction's requests one at a time, each a round trip to
 * the peer, so their number is most of a check's latency.
 */
const contract = new ReceiptContract();
const bank1 = bank('BANK1', BANK1_MSP);

/** Every request the transaction sends the peer, in order, as `<kind> <key>` (composite key separators as `/`). */
function recordAsks(ctx: Context): string[] {
    const asks: string[] = [];
    const ask = (what: string): void => {
        asks.push(what.split('\u0000').join('/'));
    };
    const stub = ctx.stub;
    const getState = stub.getState.bind(stub);
    const getRange = stub.getStateByPartialCompositeKey.bind(stub);
    const getPrivate = stub.getPrivateData.bind(stub);
    stub.getState = (key): ReturnType<typeof getState> => {
        ask(`state ${key}`);
        return getState(key);
    };
    stub.getStateByPartialCompositeKey = (objectType, attributes): ReturnType<typeof getRange> => {
        const range = stub.createCompositeKey(objectType, attributes);
        ask(`range ${range}`);
        const opened = getRange(objectType, attributes);
        return Object.assign(
            opened.then((iterator) => {
                const close = iterator.close.bind(iterator);
                iterator.close = (): ReturnType<typeof close> => {
                    ask(`close ${range}`);
                    return close();
                };
                return iterator;
            }),
            { [Symbol.asyncIterator]: opened[Symbol.asyncIterator].bind(opened) },
        );
    };
    stub.getPrivateData = (collection, key): ReturnType<typeof getPrivate> => {
        ask(`private ${collection} ${key}`);
        return getPrivate(collection, key);
    };
    return asks;
}

let ledger: FakeLedger;

beforeEach(async () => {
    ledger = settlementLedger();
    await standardWorld(ledger);
    ledger.setTime('2024-04-10T08:00:00.000Z');
    // R1 on the two trades of declaration D1 (T1 in USD, T3 in CNY), both bought by B1
    await ledger.submit(
        bank1,
        (ctx) =>
            contract.FileReceipt(
                ctx,
                JSON.stringify({
                    receiptRef: 'R1',
                    payeePartyId: 'V1',
                    amountMinor: 200_000,
                    currency: 'USD',
                    valueDate: '2024-03-02',
                    channel: 'SWIFT',
                    allocations: [
                        { tradeNo: 'T1', amountMinor: 100_000 },
                        { tradeNo: 'T3', amountMinor: 100_000, rate: '7.1234' },
                    ],
                }),
            ),
        { transient: { payer: payerJson() } },
    );
});

async function checkAsks(): Promise<{ asks: string[]; verdict: string; records: string[] }> {
    let asks: string[] = [];
    const answer = await ledger.evaluate(bank1, (ctx) => {
        asks = recordAsks(ctx);
        return contract.CheckReceipt(ctx, JSON.stringify({ receiptId: 'BankOrgMSP:R1' }));
    });
    const result = JSON.parse(answer) as { verdict: string; records: { recordType: string; recordId: string }[] };
    return { asks, verdict: result.verdict, records: result.records.map((r) => `${r.recordType} ${r.recordId}`) };
}

describe('bank check reads', () => {
    it('asks for each record and each range once, and cites the records it read as evidence', async () => {
        const { asks, verdict, records } = await checkAsks();

        expect(verdict).toBe('PASS');
        expect(records).toEqual(['party V1', 'trade T1', 'trade T3', 'declaration D1']);
        expect(asks.filter((what, i) => asks.indexOf(what) !== i)).toEqual([]);
    });

    it('asks the peer 19 times for a receipt on two trades of one declaration', async () => {
        const { asks } = await checkAsks();

        expect(asks).toEqual([
            // the caller's bank party (authorisation), the receipt and its payer in the bank's own collection
            'state /party/BANK1/',
            'state /receipt/BankOrgMSP/R1/',
            'private _implicit_org_BankOrgMSP BankOrgMSP:R1',
            // BK-01 payee; BK-02/04 and V33 per trade: the record, its allocations and financings
            'state /party/V1/',
            'state /trade/T1/',
            'range /allocation/T1/',
            'range /financedShare/T1/',
            'state /trade/T3/',
            'range /allocation/T3/',
            'range /financedShare/T3/',
            // BK-03 the declaration, BK-05 the buyer, BK-08 the payee's year
            'state /declaration/D1/',
            'state /party/B1/',
            'range /idx~receipt~payee/V1/2024/',
            // BK-09 flags on the payee, each trade, the declaration and the receipt; BK-07 customs' rates
            'range /idx~risk~subject/party/V1/',
            'range /idx~risk~subject/trade/T1/',
            'range /idx~risk~subject/trade/T3/',
            'range /idx~risk~subject/declaration/D1/',
            'range /idx~risk~subject/receipt/BankOrgMSP:R1/',
            'range /exchangeRates/2024-03/',
        ]);
    });
});
