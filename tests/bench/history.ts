import type { peer } from '@hyperledger/fabric-protos';
import { buildBlock, type TxSpec } from '../unit/gateway/projection/blocks';
import {
    allocationWrite,
    customsEventWrite,
    declaration,
    declarationWrite,
    indexWrite,
    payerWrite,
    receipt,
    receiptWrite,
    riskWrite,
    trade,
    tradeWrite,
} from '../unit/gateway/projection/records';

/**
 * A ledger history shaped like the demo market's (seeds/src/flow.ts): per shipment, each of its trades registered
 * alone (RegisterTrade: the record and its four list indexes), then the declaration of those trades (which moves
 * them to DECLARED), two customs events on it, the buyer's receipt (with the payer in the bank's private data) and
 * its allocation to the trades, and a risk flag on one shipment in four. About half the transactions are
 * single-trade registrations. Blocks are real Fabric protobufs (`buildBlock`), so parsing them costs what a peer's
 * blocks cost; their sizes cycle through what the orderer cuts on a quiet and a busy market (1 to 25 transactions).
 */

const TRADES_PER_SHIPMENT = 5;
const BLOCK_SIZES = [1, 1, 1, 2, 3, 5, 10, 25] as const;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const dayOf = (n: number): string => new Date(Date.UTC(2026, 0, 1) + (n % 330) * 86_400_000).toISOString().slice(0, 10);

/** The transactions of shipment `s`, in ledger order. */
function shipment(s: number): TxSpec[] {
    const date = dayOf(s);
    const at = `${date}T08:00:00.000Z`;
    const declNo = `2901${pad(s, 14)}`;
    const ref = `R-${pad(s, 8)}`;
    const tradeNos = Array.from({ length: TRADES_PER_SHIPMENT }, (_, i) => `T-${pad(s * TRADES_PER_SHIPMENT + i, 9)}`);
    const vendorOf = (i: number): string => `V-${pad((s * 7 + i) % 2000, 5)}`;
    const txId = (kind: string, i = 0): string => `${kind}-${s}-${i}`;
    const registered = tradeNos.map((tradeNo, i) =>
        trade(tradeNo, txId('reg', i), { vendorId: vendorOf(i), agentId: `A-${pad(s % 200, 4)}`, tradeDate: date }),
    );
    const registrations: TxSpec[] = registered.map((t, i) => ({
        txId: txId('reg', i),
        at,
        writes: [
            tradeWrite(t),
            indexWrite('trade~vendor', t.vendorId, t.tradeDate, t.tradeNo),
            indexWrite('trade~agent', t.agentId, t.tradeDate, t.tradeNo),
            indexWrite('trade~buyer', t.buyerId, t.tradeDate, t.tradeNo),
            indexWrite('trade~date', t.tradeDate, t.tradeNo),
        ],
        event: { name: 'TradeRegistered', payload: { tradeNo: t.tradeNo, vendorId: t.vendorId } },
    }));
    const filed = declaration(declNo, txId('decl'), { declDate: date, tradeNos });
    const declared = registered.map((t) => trade(t.tradeNo, txId('decl'), { ...t, status: 'DECLARED', declNo }));
    const filing: TxSpec = {
        txId: txId('decl'),
        creatorMsp: 'MarketOrgMSP',
        at,
        writes: [
            declarationWrite(filed),
            indexWrite('declaration~date', date, declNo),
            ...declared.map((t) => tradeWrite(t)),
        ],
        event: { name: 'DeclarationFiled', payload: { declNo, tradeNos } },
    };
    const customs: TxSpec[] = [1, 2].map((seq) => ({
        txId: txId('customs', seq),
        creatorMsp: 'CustomsOrgMSP',
        at,
        writes: [
            declarationWrite(
                declaration(declNo, txId('customs', seq), { ...filed, status: 'ACCEPTED', customsEvents: seq }),
            ),
            customsEventWrite(declNo, seq, txId('customs', seq)),
        ],
        event: { name: 'CustomsEventRecorded', payload: { declNo, seq } },
    }));
    const received = receipt(ref, txId('receipt'), { valueDate: date });
    const receiving: TxSpec = {
        txId: txId('receipt'),
        creatorMsp: 'BankOrgMSP',
        at,
        writes: [receiptWrite(received)],
        privateWrites: [payerWrite(received.receiptId)],
        event: { name: 'ReceiptFiled', payload: { receiptId: received.receiptId } },
    };
    const allocating: TxSpec = {
        txId: txId('allocate'),
        creatorMsp: 'BankOrgMSP',
        at,
        writes: [
            receiptWrite(receipt(ref, txId('allocate'), { ...received, status: 'ALLOCATED' })),
            ...tradeNos.map((tradeNo) => allocationWrite(tradeNo, ref, txId('allocate'))),
        ],
        event: { name: 'ReceiptAllocated', payload: { receiptId: received.receiptId, tradeNos } },
    };
    const flagged: TxSpec[] =
        s % 4 === 0
            ? [
                  {
                      txId: txId('flag'),
                      creatorMsp: 'CustomsOrgMSP',
                      at,
                      writes: [
                          riskWrite(`RF-${pad(s, 8)}`, txId('flag'), { subjectId: tradeNos[0] ?? '' }),
                          tradeWrite(trade(tradeNos[0] ?? '', txId('flag'), { ...declared[0], status: 'FLAGGED' })),
                      ],
                      event: { name: 'RiskFlagRaised', payload: { flagId: `RF-${pad(s, 8)}` } },
                  },
              ]
            : [];
    return [...registrations, filing, ...customs, receiving, allocating, ...flagged];
}

/** A ledger of at least `transactions` such transactions from block `first` on (block 0 is the genesis block). */
export function marketHistory(transactions: number, first = 1): peer.BlockAndPrivateData[] {
    const txs: TxSpec[] = [];
    for (let s = 0; txs.length < transactions; s += 1) txs.push(...shipment(s));
    const blocks: peer.BlockAndPrivateData[] = [];
    for (let at = 0, n = 0; at < txs.length; n += 1) {
        const size = BLOCK_SIZES[n % BLOCK_SIZES.length] ?? 1;
        blocks.push(buildBlock(first + n, txs.slice(at, at + size)));
        at += size;
    }
    return blocks;
}

/** The genesis block as the projection sees it: a configuration block, no chaincode transaction. */
export const genesisBlock = (): peer.BlockAndPrivateData => buildBlock(0, [], { config: true });
