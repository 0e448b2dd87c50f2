import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyBlock, openReadModel, type ParsedBlock, type ReadModelDatabase } from '../../gateway/src/projection';
import type { LedgerTransaction, LedgerWrite } from '../../gateway/src/projection/blocks';
import { listDeclarations, listTrades, type RowScope } from '../../gateway/src/worklists';
import { catchUpHistory } from './catch-up-history';
import { measure, type Measured } from './measure';

/**
 * `npm run bench:read-model` (issue #9 "Speed"): a read model of 10k, 100k and 1M trades built by the projector's own
 * apply (applyBlock) over generated blocks, then work-list pages and a trace from it, p50/p99 at each size. No
 * network: the blocks are what parseBlock makes of a bulk registration (RegisterTrades, TRADES_PER_TX trades a
 * transaction) followed by the declaration of those trades. See tests/bench/README.md "Read model at 1M trades".
 */

const SIZES = (process.env.BENCH_READ_MODEL_SIZES ?? '10000,100000,1000000')
    .split(',')
    .filter((size) => size !== '')
    .map(Number);
const CATCH_UP_TXS = Number(process.env.BENCH_CATCH_UP_TXS ?? 20_000);
const TRADES_PER_TX = 50;
const TXS_PER_BLOCK = 10;
const CALLS = Number(process.env.BENCH_READ_MODEL_CALLS ?? 300);
const VENDORS = 2000;
const AGENTS = 200;
const CLUSTERS = 20;
const STATUSES = ['CONFIRMED', 'CONSOLIDATED', 'DECLARED', 'EXPORTED', 'FLAGGED'] as const;

const compositeKey = (type: string, ...attributes: string[]): string =>
    `\u0000${type}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
const write = (key: string, doc: object): LedgerWrite => ({ key, value: Buffer.from(JSON.stringify(doc)) });
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const vendorOf = (n: number): string => `V-${pad(n % VENDORS, 5)}`;
const dateOf = (n: number): string =>
    new Date(Date.UTC(2026, 0, 1) + (n % 330) * 86_400_000).toISOString().slice(0, 10);
const declNoOf = (tx: number): string => `2901${pad(tx, 14)}`;

function tradeDoc(n: number, tx: number): object {
    const at = `${dateOf(n)}T08:00:00.000Z`;
    const by = { mspId: 'MarketOrgMSP', role: 'vendor', at, txId: `tx-${tx}` };
    return {
        docType: 'trade',
        tradeNo: `T-${pad(n, 8)}`,
        vendorId: vendorOf(n),
        agentId: `A-${pad(n % AGENTS, 4)}`,
        buyerId: `B-${pad(n % 997, 4)}`,
        clusterId: `C-${pad(n % CLUSTERS, 2)}`,
        stallNo: `S-${n % 500}`,
        tradeDate: dateOf(n),
        currency: 'USD',
        totalAmount: 120_000,
        status: STATUSES[n % STATUSES.length],
        declNo: declNoOf(tx),
        packingNo: `PK-${tx}`,
        riskFlags: [],
        lines: [
            {
                lineId: 'L1',
                goodsCode: 'G-1',
                hsCode: '6402999000',
                nameEn: 'shoes',
                unit: 'PAIR',
                qty: 1000,
                unitPrice: 120,
                amount: 120_000,
            },
        ],
        registeredBy: by,
        updatedBy: by,
    };
}

/** The declaration of one transaction's trades: a line per five trades, each sourced from its trades' lines. */
function declarationDoc(firstTrade: number, tx: number): object {
    const by = { mspId: 'MarketOrgMSP', role: 'agent', at: `${dateOf(firstTrade)}T09:00:00.000Z`, txId: `tx-${tx}` };
    const lines = Array.from({ length: TRADES_PER_TX / 5 }, (_, g) => ({
        gNo: g + 1,
        hsCode: '6402999000',
        name: 'shoes',
        qty: 5000,
        unit: 'PAIR',
        valueUsd: 600_000,
        mergedChapter: null,
        isItemised: true,
        sources: Array.from({ length: 5 }, (__, s) => ({
            tradeNo: `T-${pad(firstTrade + g * 5 + s, 8)}`,
            lineId: 'L1',
            goodsCode: 'G-1',
            qty: 1000,
            amount: 120_000,
            currency: 'USD',
            valueUsd: 120_000,
        })),
    }));
    return {
        docType: 'declaration',
        declNo: declNoOf(tx),
        packingNo: `PK-${tx}`,
        consignorId: `A-${pad(tx % AGENTS, 4)}`,
        brokerId: 'BR-0001',
        remarkPurchaser: { buyerId: `B-${pad(tx % 997, 4)}` },
        customsOffice: '2901',
        exitPort: 'CNNGB',
        declDate: dateOf(firstTrade),
        destCountry: 'AE',
        transportMode: 'SEA',
        totalValueUsd: 6_000_000,
        status: 'ACCEPTED',
        customsEvents: 0,
        lines,
        filedBy: by,
        updatedBy: by,
    };
}

/** Block `number`: TXS_PER_BLOCK transactions, each registering TRADES_PER_TX trades and declaring them. */
function generatedBlock(number: number): ParsedBlock {
    const transactions: LedgerTransaction[] = Array.from({ length: TXS_PER_BLOCK }, (_, index) => {
        const tx = number * TXS_PER_BLOCK + index;
        const first = tx * TRADES_PER_TX;
        const writes = Array.from({ length: TRADES_PER_TX }, (__, i) =>
            write(compositeKey('trade', `T-${pad(first + i, 8)}`), tradeDoc(first + i, tx)),
        );
        writes.push(write(compositeKey('declaration', declNoOf(tx)), declarationDoc(first, tx)));
        return {
            txId: `tx-${tx}`,
            index,
            timestamp: `${dateOf(first)}T08:00:00.000Z`,
            creatorMsp: 'MarketOrgMSP',
            valid: true,
            validationCode: 0,
            event: { name: 'TradesRegistered', payload: '{}' },
            ofChaincode: true,
            writes,
            privateWrites: [],
        };
    });
    return { number, transactions };
}

const TRADES_PER_BLOCK = TRADES_PER_TX * TXS_PER_BLOCK;

interface Row {
    readonly trades: number;
    readonly name: string;
    readonly measured: Measured;
}

async function measurements(model: ReadModelDatabase, trades: number): Promise<Row[]> {
    const first = { sort: 'tradeDate' as const, direction: 'desc' as const, limit: 50 };
    const all: RowScope = { kind: 'all' };
    const own = (n: number): RowScope => ({ kind: 'own', where: [['trades.vendor_id', vendorOf(n)]] });
    const txs = trades / TRADES_PER_TX;
    const cases: [string, (i: number) => Promise<unknown>][] = [
        [
            'trades: a vendor its own, newest first',
            (i): Promise<unknown> => listTrades(model, own(i * 7919), {}, first),
        ],
        ['trades: all, status=FLAGGED', (): Promise<unknown> => listTrades(model, all, { status: ['FLAGGED'] }, first)],
        [
            'trades: all, cluster + date range',
            (i): Promise<unknown> =>
                listTrades(
                    model,
                    all,
                    { cluster: `C-${pad(i % CLUSTERS, 2)}`, dateFrom: '2026-03-01', dateTo: '2026-03-31' },
                    first,
                ),
        ],
        [
            'declarations: all, status=ACCEPTED',
            (): Promise<unknown> =>
                listDeclarations(model, all, { status: ['ACCEPTED'] }, { ...first, sort: 'declDate' }),
        ],
        [
            'trace: declaration line → its trades',
            (i): Promise<unknown> =>
                model.db
                    .selectFrom('declaration_line_sources as s')
                    .innerJoin('trades as t', 't.trade_no', 's.trade_no')
                    .select([
                        's.trade_no',
                        's.line_id',
                        's.qty',
                        's.value_usd',
                        't.vendor_id',
                        't.status',
                        't.tx_id',
                        't.block_number',
                    ])
                    .where('s.decl_no', '=', declNoOf((i * 7919) % txs))
                    .where('s.g_no', '=', 1 + (i % (TRADES_PER_TX / 5)))
                    .execute(),
        ],
    ];
    const rows: Row[] = [];
    for (const [name, op] of cases) {
        await op(0);
        rows.push({ trades, name, measured: await measure(CALLS, 1, op) });
    }
    return rows;
}

const ms = (n: number): string => n.toFixed(2).padStart(8);

async function readModelSizes(): Promise<void> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-bench-read-model-'));
    const model = await openReadModel({ dataDir, name: 'MarketOrg' });
    const results: Row[] = [];
    let block = 0;
    let buildMs = 0;
    try {
        for (const size of SIZES) {
            const started = performance.now();
            const from = block;
            while (block * TRADES_PER_BLOCK < size) {
                await applyBlock(model.db, generatedBlock(block));
                block += 1;
            }
            const took = performance.now() - started;
            buildMs += took;
            const txs = (block - from) * TXS_PER_BLOCK;
            process.stdout.write(
                `built ${block * TRADES_PER_BLOCK} trades (+${txs} transactions in ${block - from} blocks) in ` +
                    `${(took / 1000).toFixed(1)} s: ${((txs * 1000) / took).toFixed(0)} tx/s, ` +
                    `${(((block - from) * TRADES_PER_BLOCK * 1000) / took).toFixed(0)} trades/s\n`,
            );
            results.push(...(await measurements(model, block * TRADES_PER_BLOCK)));
        }
    } finally {
        await model.close();
        rmSync(dataDir, { recursive: true, force: true });
    }
    process.stdout.write(`\nbuild total ${(buildMs / 1000).toFixed(1)} s; ${CALLS} calls a row, one at a time\n`);
    process.stdout.write(
        `${'query'.padEnd(42)} ${'trades'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}  p99 ≤ 10 ms?\n`,
    );
    for (const row of results) {
        process.stdout.write(
            `${row.name.padEnd(42)} ${String(row.trades).padStart(9)} ${ms(row.measured.p50)} ${ms(row.measured.p99)}  ` +
                `${row.measured.p99 <= 10 ? 'yes' : 'NO'}${row.measured.errors > 0 ? `  ${row.measured.errors} failed: ${row.measured.firstError ?? ''}` : ''}\n`,
        );
    }
    const smallest = SIZES[0];
    const largest = SIZES[SIZES.length - 1];
    process.stdout.write(`\np99 growth ${smallest} → ${largest} trades:\n`);
    for (const name of new Set(results.map((r) => r.name))) {
        const at = (n: number | undefined): Measured | undefined =>
            results.find((r) => r.name === name && r.trades >= (n ?? 0))?.measured;
        const a = at(smallest);
        const b = [...results].reverse().find((r) => r.name === name)?.measured;
        if (a !== undefined && b !== undefined) {
            process.stdout.write(
                `  ${name.padEnd(42)} ${ms(a.p99)} → ${ms(b.p99)}  (×${(b.p99 / a.p99).toFixed(2)})\n`,
            );
        }
    }
    if (results.some((r) => r.measured.errors > 0)) process.exitCode = 1;
}

async function main(): Promise<void> {
    if (CATCH_UP_TXS > 0) process.stdout.write(await catchUpHistory(CATCH_UP_TXS));
    if (SIZES.length > 0) await readModelSizes();
}

void main();
