import { cpus, loadavg } from 'node:os';
import { catchUp } from './catch-up';
import { openFixture, tradeNumbers, type Fixture } from './fixture';
import { measure, measureAlternating, type Measured } from './measure';

/**
 * What users do, each two ways in one run on the same ledger: through the REST gateway (the typed client, an API
 * key) and raw (the chaincode transaction the route calls, through @hyperledger/fabric-gateway with the same user's
 * certificate). Prints one table with the goals of issue #12 beside the figures; see tests/bench/README.md.
 * Exits non-zero only when an operation failed: speed on a shared machine is read, not asserted.
 */
const setting = (name: string, fallback: number): number => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) {
        throw new Error(`${name} must be a positive integer`);
    }
    return value;
};

const counts = {
    inFlight: setting('BENCH_IN_FLIGHT', 50),
    writes1: setting('BENCH_WRITES_1', 20),
    writesN: setting('BENCH_WRITES_N', 200),
    bulkRequests: setting('BENCH_BULK_REQUESTS', 2),
    bulkRows: setting('BENCH_BULK_ROWS', 500),
    reads1: setting('BENCH_READS_1', 100),
    readsN: setting('BENCH_READS_N', 500),
    catchUpTimeoutS: setting('BENCH_CATCH_UP_TIMEOUT_S', 300),
};

/** The row of the bulk goal: bulk trades a second against raw single trades at the most callers. */
const BULK_GOAL_SCENARIO = `bulk registration against raw single trades at ${counts.inFlight} in flight`;

interface Goal {
    readonly text: string;
    readonly met: (gateway: Measured, raw: Measured) => boolean;
}

const atLeast = (times: number): Goal => ({
    text: `≥ ${times}× raw`,
    met: (gateway, raw) => gateway.perSecond >= times * raw.perSecond,
});
const p99AtMost = (ms: number): Goal => ({ text: `p99 ≤ ${ms} ms`, met: (gateway) => gateway.p99 <= ms });

interface Row {
    readonly scenario: string;
    readonly cells:
        | { readonly gateway: Measured; readonly raw: Measured; readonly unit: string; readonly goal?: Goal }
        | { readonly skipped: string };
}

interface Pair {
    readonly scenario: string;
    readonly total: number;
    readonly inFlight: number;
    /** Trades per call (bulk). */
    readonly units?: number;
    readonly unit?: string;
    readonly goal?: Goal;
    /** No warm-up calls: one bulk request takes seconds, its set-up is lost in it. */
    readonly cold?: true;
    readonly gateway: (i: number) => Promise<unknown>;
    readonly raw: (i: number) => Promise<unknown>;
}

/**
 * Unmeasured calls each way before a row: two waves of its callers, at least 20. Until V8 has compiled a path's hot
 * functions its first few hundred calls run slower, and the gateway's path (HTTP, routing, validation) has more of
 * them than raw's, so a cold row measures start-up rather than a gateway in service.
 */
const warmUpCalls = (pair: Pair): number => Math.min(pair.total, Math.max(20, 2 * pair.inFlight));

/** Raw and the gateway in alternating rounds (raw first), after their warm-up calls; a bulk row starts cold. */
async function run(f: Fixture, pair: Pair): Promise<Row & { measured: { gateway: Measured; raw: Measured } }> {
    const warmUp = pair.cold === true ? 0 : warmUpCalls(pair);
    process.stderr.write(
        `${pair.scenario}: ${pair.total} calls each way after ${warmUp} unmeasured, ${pair.inFlight} in flight\n`,
    );
    if (warmUp > 0) {
        await measure(warmUp, pair.inFlight, pair.raw);
        await measure(warmUp, pair.inFlight, pair.gateway);
    }
    const [raw, gateway] = await measureAlternating(
        pair.total,
        pair.inFlight,
        [pair.raw, pair.gateway],
        pair.units,
        f.cpuMs,
    );
    return {
        scenario: pair.scenario,
        cells: { gateway, raw, unit: pair.unit ?? 'calls/s', ...(pair.goal === undefined ? {} : { goal: pair.goal }) },
        measured: { gateway, raw },
    };
}

/** `RegisterTrades` answers per row: a refused row fails its whole request here (the bench writes clean rows). */
function allRegistered(answer: { results: { ok: boolean; code?: string; message?: string }[] }): void {
    const refused = answer.results.find((row) => !row.ok);
    if (refused !== undefined) {
        throw new Error(`a bulk row was refused: ${refused.code ?? ''} ${refused.message ?? ''}`);
    }
}

async function writeScenarios(f: Fixture): Promise<Row[]> {
    if (f.targets.tradeTemplate === undefined) {
        const skipped = `skipped: the demo market has no clean trade of ${f.vendor.party ?? 'vendor1'} to copy`;
        return ['register one trade', 'bulk registration'].map((scenario) => ({ scenario, cells: { skipped } }));
    }
    const { vendor } = f;
    const next = tradeNumbers();
    let n = 0;
    const single = (inFlight: number, total: number, goal?: Goal): Pair => ({
        scenario: `register one trade, ${inFlight} in flight`,
        total,
        inFlight,
        unit: 'trades/s',
        ...(goal === undefined ? {} : { goal }),
        raw: () => vendor.contract.submitTransaction('TradeContract:RegisterTrade', JSON.stringify(f.trade(next(n++)))),
        gateway: (): Promise<unknown> => {
            const body = f.trade(next(n++));
            return vendor.api.call('registerTrade', { body, idempotencyKey: `bench.${body.tradeNo}` });
        },
    });
    const rows = Array.from({ length: counts.bulkRows });
    const bulk: Pair = {
        scenario: `bulk registration, ${counts.bulkRows} trades a request`,
        total: counts.bulkRequests,
        inFlight: 1,
        units: counts.bulkRows,
        unit: 'trades/s',
        cold: true,
        raw: async () => {
            const trades = rows.map(() => f.trade(next(n++)));
            const payload = await vendor.contract.submitTransaction(
                'TradeContract:RegisterTrades',
                JSON.stringify(trades),
            );
            allRegistered(JSON.parse(Buffer.from(payload).toString()) as Parameters<typeof allRegistered>[0]);
        },
        gateway: async () => {
            const trades = rows.map(() => f.trade(next(n++)));
            const first = trades[0]?.tradeNo ?? '';
            const { result } = await vendor.api.call('registerTrades', {
                body: { trades },
                idempotencyKey: `bench.${first}`,
            });
            allRegistered(result);
        },
    };
    const one = await run(f, single(1, counts.writes1));
    const many = await run(f, single(counts.inFlight, counts.writesN, atLeast(0.8)));
    const bulked = await run(f, bulk);
    return [
        one,
        many,
        bulked,
        {
            scenario: BULK_GOAL_SCENARIO,
            cells: {
                gateway: bulked.measured.gateway,
                raw: many.measured.raw,
                unit: 'trades/s',
                goal: atLeast(20),
            },
        },
    ];
}

/**
 * The work-list row reads the gateway's read side: wait, bounded, until the MarketOrg model has caught up with its
 * peer (a fresh data directory starts from block 0), so the row measures pages and not a catch-up.
 */
async function readSideCaughtUp(f: Fixture, timeoutMs = 10 * 60_000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
        try {
            const page = await f.vendor.api.call('workListTrades', { query: { limit: '1' } });
            if (page.readModel.current) return undefined;
            last = `at block ${page.readModel.lastBlock ?? 'none'}, ${page.readModel.lagBlocks ?? '?'} behind`;
        } catch (error) {
            // not open yet, or the vendor's party not projected yet: both pass as the model catches up
            last = error instanceof Error ? error.message : String(error);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return `the MarketOrg read model did not catch up within ${timeoutMs / 1000} s (${last})`;
}

/**
 * The bench's gateway runs every org's projector in its own process: until they have applied the write rows' blocks
 * (about 40 a second), each block's SQLite work blocks the event loop that both sides of a read row share, and the
 * one-caller tails measure the replay. Waits, bounded, until /readyz reports every read model current.
 */
async function readModelsCurrent(f: Fixture, timeoutMs = 10 * 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
        const ready = (await fetch(`${f.vendor.api.baseUrl}/readyz`).then((r) => r.json())) as {
            projections?: { org: string; lagBlocks: number | null }[];
        };
        const behind = (ready.projections ?? []).filter((p) => p.lagBlocks !== 0);
        if (behind.length === 0) return;
        last = behind.map((p) => `${p.org} ${p.lagBlocks ?? '?'} behind`).join(', ');
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
    process.stderr.write(`the read models did not catch up within ${timeoutMs / 1000} s (${last}); reading anyway\n`);
}

async function readScenarios(f: Fixture): Promise<Row[]> {
    const { receiptId, declNo } = f.targets;
    const vendorId = f.vendor.party ?? '';
    await readModelsCurrent(f);
    const readSide = f.vendor.party === null ? 'vendor1 is no party' : await readSideCaughtUp(f);
    const reads: {
        name: string;
        missing: string | undefined;
        goals: [Goal | undefined, Goal | undefined];
        gateway: () => Promise<unknown>;
        raw: () => Promise<unknown>;
    }[] = [
        {
            name: 'bank check (POST /v1/receipts/check)',
            missing: receiptId === undefined ? 'no receipt of BankOrg backs an exported declaration' : undefined,
            goals: [p99AtMost(25), atLeast(0.7)],
            gateway: () => f.bank.api.call('checkReceipt', { body: { receiptId } }),
            raw: () =>
                f.bank.contract.evaluateTransaction('ReceiptContract:CheckReceipt', JSON.stringify({ receiptId })),
        },
        {
            name: 'one receipt read (GET /v1/receipts/:receiptId), the floor under the bank check',
            missing: receiptId === undefined ? 'no receipt of BankOrg backs an exported declaration' : undefined,
            goals: [undefined, undefined],
            gateway: () => f.bank.api.call('getReceipt', { params: { receiptId: receiptId ?? '' } }),
            raw: () => f.bank.contract.evaluateTransaction('ReceiptContract:GetReceipt', receiptId ?? ''),
        },
        {
            name: 'customs check (GET /v1/declarations/:declNo/check)',
            missing: declNo === undefined ? 'no exported declaration' : undefined,
            goals: [undefined, undefined],
            gateway: () => f.customs.api.call('checkDeclaration', { params: { declNo: declNo ?? '' } }),
            raw: () => f.customs.contract.evaluateTransaction('CustomsContract:CheckDeclaration', declNo ?? ''),
        },
        {
            name: 'trace of declaration line 1',
            missing: declNo === undefined ? 'no exported declaration' : undefined,
            goals: [undefined, atLeast(0.7)],
            gateway: () => f.customs.api.call('traceDeclarationLine', { params: { declNo: declNo ?? '', gNo: '1' } }),
            raw: () =>
                f.customs.contract.evaluateTransaction('CustomsContract:TraceDeclarationLine', declNo ?? '', '1'),
        },
        {
            name: "work-list page: the vendor's trades, 50 a page (GET /v1/worklists/trades, the read side)",
            missing: readSide,
            goals: [undefined, undefined],
            gateway: () => f.vendor.api.call('workListTrades', { query: { limit: '50' } }),
            raw: () => f.vendor.contract.evaluateTransaction('TradeContract:ListTradesByVendor', vendorId, '50', ''),
        },
    ];
    const out: Row[] = [];
    for (const read of reads) {
        const shapes = [
            [1, counts.reads1],
            [counts.inFlight, counts.readsN],
        ] as const;
        for (const [i, [inFlight, total]] of shapes.entries()) {
            const scenario = `${read.name}, ${inFlight} in flight`;
            if (read.missing !== undefined) {
                out.push({ scenario, cells: { skipped: `skipped: ${read.missing} in the demo market` } });
                continue;
            }
            const goal = read.goals[i];
            out.push(
                await run(f, {
                    scenario,
                    total,
                    inFlight,
                    ...(goal === undefined ? {} : { goal }),
                    gateway: read.gateway,
                    raw: read.raw,
                }),
            );
        }
    }
    return out;
}

async function catchUpRow(f: Fixture): Promise<{ row: Row; errors: string[] }> {
    const scenario = 'projection catch-up: a fresh MarketOrg read model of the whole ledger (raw: only streaming it)';
    process.stderr.write(`${scenario}\n`);
    try {
        const c = await catchUp(f, counts.catchUpTimeoutS * 1000);
        const asMeasured = (ms: number): Measured => ({
            perSecond: c.transactions / (ms / 1000),
            p50: NaN,
            p99: NaN,
            cpuMsPerUnit: NaN,
            errors: 0,
            firstError: undefined,
        });
        return {
            row: {
                scenario: `${scenario}, ${c.transactions} transactions in ${c.blocks} blocks`,
                cells: { gateway: asMeasured(c.projectedMs), raw: asMeasured(c.streamedMs), unit: 'tx/s' },
            },
            errors: [],
        };
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { row: { scenario, cells: { skipped: `failed: ${message}` } }, errors: [`${scenario}: ${message}`] };
    }
}

const num = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** `trades/s` → `trade`: what one unit of a row is. */
const unitName = (unit: string): string => (unit.split('/')[0] ?? unit).replace(/s$/, '');

function cell(m: Measured, unit: string): string {
    const latency = Number.isFinite(m.p50) ? `, p50 ${num(m.p50)} ms, p99 ${num(m.p99)} ms` : '';
    const cpu = Number.isFinite(m.cpuMsPerUnit) ? `, CPU ${num(m.cpuMsPerUnit)} ms a ${unitName(unit)}` : '';
    return `${num(m.perSecond)} ${unit}${latency}${cpu}${m.errors > 0 ? `, ${m.errors} failed` : ''}`;
}

/**
 * Both rows of the bulk goal keep the machine's cores busy, so their throughputs stand roughly as their CPU costs a
 * trade do: the most bulk can reach against raw single trades on this machine, whatever the gateway does.
 */
function bulkCeiling(rows: readonly Row[]): string[] {
    const goalRow = rows.find((r) => r.scenario === BULK_GOAL_SCENARIO);
    if (goalRow === undefined || 'skipped' in goalRow.cells) return [];
    const { gateway: bulk, raw: single } = goalRow.cells;
    if (!Number.isFinite(bulk.cpuMsPerUnit) || !Number.isFinite(single.cpuMsPerUnit)) return [];
    return [
        `CPU a trade: ${num(single.cpuMsPerUnit)} ms for a raw single trade, ` +
            `${num(bulk.cpuMsPerUnit)} ms for a bulk row; with the cores busy, bulk can reach about ` +
            `${num(single.cpuMsPerUnit / bulk.cpuMsPerUnit)}× raw single trades on this machine.`,
    ];
}

function table(rows: Row[]): string {
    const lines = rows.map(({ scenario, cells }) => {
        if ('skipped' in cells) {
            return `| ${scenario} | ${cells.skipped} | - | - | - | - |`;
        }
        const { gateway, raw, unit, goal } = cells;
        const met = goal === undefined ? '-' : goal.met(gateway, raw) ? 'yes' : 'no';
        return (
            `| ${scenario} | ${cell(gateway, unit)} | ${cell(raw, unit)} | ` +
            `${num(gateway.perSecond / raw.perSecond, 2)}× | ${goal?.text ?? '-'} | ${met} |`
        );
    });
    return ['| scenario | gateway | raw | ratio | goal | met? |', '|---|---|---|---|---|---|', ...lines].join('\n');
}

const load = (): string =>
    loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ');

async function main(): Promise<void> {
    // `npm run bench` has brought the network up (network/src/cli.js up) before this runs
    const fixture = await openFixture();
    const before = load();
    try {
        const rows = [...(await writeScenarios(fixture)), ...(await readScenarios(fixture))];
        const caught = await catchUpRow(fixture);
        rows.push(caught.row);
        const errors = [
            ...rows.flatMap(({ scenario, cells }) =>
                'skipped' in cells
                    ? []
                    : [
                          ...(cells.raw.firstError === undefined ? [] : [`${scenario}, raw: ${cells.raw.firstError}`]),
                          ...(cells.gateway.firstError === undefined
                              ? []
                              : [`${scenario}, gateway: ${cells.gateway.firstError}`]),
                      ],
            ),
            ...caught.errors,
        ];
        process.stdout.write(
            [
                '',
                table(rows),
                '',
                'gateway = HTTP, API key, validation, idempotency journal, evidence look-ups, then the chaincode call;',
                'raw = that chaincode call through @hyperledger/fabric-gateway with the same user’s certificate.',
                'ratio = gateway ÷ raw throughput (higher is better; the bulk-against-single row is the goal of 20×).',
                'CPU = CPU time of the network’s processes and the bench’s own during the calls, ÷ the calls or trades.',
                ...bulkCeiling(rows),
                `machine: ${cpus().length} cores, load average (1 / 5 / 15 min) ${before} at the start, ${load()} at the end`,
                ...(errors.length === 0
                    ? []
                    : ['', 'failed operations (first of each):', ...errors.map((e) => `- ${e}`)]),
                '',
            ].join('\n'),
        );
        if (errors.length > 0) {
            process.exitCode = 1;
        }
    } finally {
        await fixture.close();
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
