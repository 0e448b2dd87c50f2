import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { parseCsv, program, tradesFromCsv } from '../../../gateway/src/cli/mpt';
import { GatewayClient } from '../../../gateway/src/client';
import { harness, listen, type Harness, type Listening } from './harness';
import { bankCheck } from './ledger-answers';

const CSV = [
    'tradeNo,vendorId,agentId,buyerId,tradeDate,currency,agencyReceipt,paymentTerms,paymentChannel,lineId,goodsCode,qty,unitPrice,remark',
    'T-1,V-0001,A-0001,B-0001,2026-11-20,USD,false,PREPAID,BANK,L1,G-0001-01,100,189,"toys, ""red"""',
    'T-1,V-0001,A-0001,B-0001,2026-11-20,USD,false,PREPAID,BANK,L2,G-0001-02,5,1000,',
    'T-2,V-0001,A-0001,B-0002,2026-11-20,USD,true,,,L1,G-0001-01,1,10,',
].join('\r\n');

let h: Harness;
let server: Listening;
let url: string;

beforeAll(async () => {
    h = harness();
    server = await listen(h.app);
    url = server.url;
});

afterAll(async () => {
    await server.close();
    h.cleanup();
});

/** Runs the CLI against the test gateway; resolves with what it printed on standard output. */
async function mpt(key: string | undefined, ...args: string[]): Promise<string[]>;
async function mpt(key: string | undefined, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string[]>;
async function mpt(key: string | undefined, ...rest: (string | NodeJS.ProcessEnv)[]): Promise<string[]> {
    const env = typeof rest[0] === 'object' ? rest[0] : {};
    const args = rest.filter((arg): arg is string => typeof arg === 'string');
    const lines: string[] = [];
    const io = {
        out: (line: string): void => void lines.push(line),
        err: (): void => undefined,
    };
    const keyArgs = key === undefined ? [] : ['--key', key];
    await program(io, env).parseAsync(['node', 'mpt', '--url', url, ...keyArgs, ...args]);
    return lines;
}

describe('mpt CLI', () => {
    // a failing command sets the exit code of the process, which jest shares with the test files after this one
    afterEach(() => {
        process.exitCode = undefined;
    });

    it('reads CSV with quoted commas and quotes, one row per trade line, into trades', () => {
        const trades = tradesFromCsv(parseCsv(CSV));

        expect(trades).toHaveLength(2);
        expect(trades[0]).toMatchObject({
            tradeNo: 'T-1',
            remark: 'toys, "red"',
            lines: [
                { lineId: 'L1', qty: 100, unitPrice: 189, amount: 18_900 },
                { lineId: 'L2', qty: 5, unitPrice: 1000, amount: 5000 },
            ],
        });
        expect(trades[1]).toMatchObject({ tradeNo: 'T-2', agencyReceipt: true, paymentTerms: 'PREPAID' });
    });

    it('a CSV row without a required column is refused with its row number', () => {
        expect(() => tradesFromCsv(parseCsv('tradeNo,vendorId\nT-1,V-0001\n'))).toThrow(/CSV row 2: missing agentId/);
    });

    it('imports a CSV file in one bulk request signed by the caller, answers per row, and a re-run writes nothing', async () => {
        const key = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        h.ledger.on('TradeContract:RegisterTrades', ([json = '[]']) => {
            const rows = JSON.parse(json) as { tradeNo: string }[];
            return {
                results: rows.map((row, index) =>
                    index === 1
                        ? { index, tradeNo: row.tradeNo, ok: false, code: 'RULE_V05', message: 'negative list' }
                        : { index, tradeNo: row.tradeNo, ok: true },
                ),
                registered: rows.length - 1,
                failed: 1,
            };
        });
        const file = path.join(h.dataDir, 'trades.csv');
        writeFileSync(file, CSV);

        const first = await mpt(key, 'import-trades', file);
        const again = await mpt(key, 'import-trades', file);

        expect(first).toEqual([
            'ok      row 1 (T-1)',
            'refused row 2 (T-2): RULE_V05 negative list',
            '1 registered, 1 refused',
        ]);
        expect(again).toEqual(first);
        const submits = h.ledger.submits('TradeContract:RegisterTrades');
        expect(submits).toHaveLength(1);
        expect(submits[0]?.certificate).toContain('vendor1');
        expect((JSON.parse(submits[0]?.args[0] ?? '[]') as unknown[]).length).toBe(2);
    });

    it('prints the bank check verdict with every check, and a refusal as code and message', async () => {
        const key = h.user('BankOrg', 'officer1', 'bank', 'BANK-0001');
        h.ledger.on('ReceiptContract:CheckReceipt', () =>
            bankCheck({
                verdict: 'FAIL',
                checks: [
                    { id: 'BK-01', name: 'payee', outcome: 'PASS', reason: 'BK01_PAYEE_ACTIVE', findings: [] },
                    {
                        id: 'BK-04',
                        name: 'remaining value',
                        outcome: 'FAIL',
                        reason: 'BK04_AMOUNT_EXCEEDS_REMAINING',
                        findings: [],
                    },
                ],
            }),
        );

        const lines = await mpt(key, 'check-receipt', 'BankOrgMSP:R-1');

        expect(lines).toEqual([
            'verdict FAIL',
            '  BK-01 PASS  BK01_PAYEE_ACTIVE',
            '  BK-04 FAIL  BK04_AMOUNT_EXCEEDS_REMAINING',
        ]);
        await expect(mpt('mpt_0000000000000000_wrong', 'check-receipt', 'BankOrgMSP:R-1')).rejects.toThrow(
            /^UNAUTHENTICATED: /,
        );
    });

    it("onboard prints an enrolment code for the official; enrol turns it into the person's own key, without a key", async () => {
        const operator = h.user('MarketOrg', 'operator1', 'operator', 'OP-YIWU');

        const onboarded = JSON.parse(
            (await mpt(operator, 'onboard', 'stall-9', '--role', 'vendor', '--party', 'V-0009')).join('\n'),
        ) as { enrolmentCode: string; apiKey?: string };
        const enrolled = JSON.parse(
            (await mpt(undefined, { MPT_ENROLMENT_CODE: onboarded.enrolmentCode }, 'enrol')).join('\n'),
        ) as {
            username: string;
            apiKey: string;
        };
        const me = await new GatewayClient({ baseUrl: url, apiKey: enrolled.apiKey }).send('get', '/v1/me');

        expect(onboarded.apiKey).toBeUndefined();
        expect(enrolled.username).toBe('stall-9');
        expect(me.body).toMatchObject({ username: 'stall-9', role: 'vendor', party: 'V-0009' });
        await expect(mpt(undefined, 'enrol', onboarded.enrolmentCode)).rejects.toThrow(/^INVALID: /);
    });
});
