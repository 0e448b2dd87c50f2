#!/usr/bin/env node
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { GatewayClient, type OperationInput } from '../client';
import { verifyVerdict } from '../verdicts/signed-verdict';
import { verdictFromPdf } from '../verdicts/verdict-pdf';

/**
 * `mpt`: the common jobs against the REST gateway, signed by the caller's own API key.
 * The gateway URL and key come from --url / --key or MPT_URL / MPT_API_KEY.
 */

export interface Io {
    out(line: string): void;
    err(line: string): void;
}

type Row = Record<string, string>;

const CSV_FIELD = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r?\n|$)/y;

/** RFC 4180 CSV: a header line, then rows; quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): Row[] {
    const records: string[][] = [];
    let record: string[] = [];
    CSV_FIELD.lastIndex = 0;
    for (;;) {
        const match = CSV_FIELD.exec(text);
        if (!match) {
            throw new Error(`CSV: cannot read the field at character ${CSV_FIELD.lastIndex}`);
        }
        const [, raw = '', delimiter = ''] = match;
        record.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.trim());
        if (delimiter !== ',') {
            records.push(record);
            record = [];
        }
        if (delimiter === '') {
            break;
        }
    }
    const [header, ...rows] = records.filter((r) => r.some((field) => field !== ''));
    if (!header) {
        return [];
    }
    return rows.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

const TRADE_COLUMNS = ['tradeNo', 'vendorId', 'agentId', 'buyerId', 'tradeDate', 'currency', 'lineId', 'goodsCode'];

/**
 * Trades from CSV rows, one row per trade line (the trade's columns repeat on each of its lines):
 * tradeNo, vendorId, agentId, buyerId, tradeDate, currency, agencyReceipt, paymentTerms, paymentChannel,
 * lineId, goodsCode, qty, unitPrice, and optionally amount (default qty × unitPrice) and remark.
 */
export function tradesFromCsv(rows: readonly Row[]): Record<string, unknown>[] {
    const trades = new Map<string, Record<string, unknown> & { lines: Record<string, unknown>[] }>();
    rows.forEach((row, index) => {
        const missing = TRADE_COLUMNS.filter((column) => (row[column] ?? '') === '');
        if (missing.length > 0) {
            throw new Error(`CSV row ${index + 2}: missing ${missing.join(', ')}`);
        }
        const tradeNo = row.tradeNo ?? '';
        const qty = Number(row.qty);
        const unitPrice = Number(row.unitPrice);
        const line = {
            lineId: row.lineId,
            goodsCode: row.goodsCode,
            qty,
            unitPrice,
            amount: row.amount ? Number(row.amount) : qty * unitPrice,
        };
        const trade = trades.get(tradeNo);
        if (trade) {
            trade.lines.push(line);
            return;
        }
        trades.set(tradeNo, {
            tradeNo,
            vendorId: row.vendorId,
            agentId: row.agentId,
            buyerId: row.buyerId,
            tradeDate: row.tradeDate,
            currency: row.currency,
            agencyReceipt: row.agencyReceipt === 'true',
            paymentTerms: row.paymentTerms || 'PREPAID',
            paymentChannel: row.paymentChannel || 'BANK',
            lines: [line],
            documents: [],
            ...(row.remark ? { remark: row.remark } : {}),
        });
    });
    return [...trades.values()];
}

function tradesFromFile(file: string): { trades: unknown[]; digest: string } {
    const text = readFileSync(file, 'utf8');
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
    if (file.toLowerCase().endsWith('.csv')) {
        return { trades: tradesFromCsv(parseCsv(text)), digest };
    }
    const parsed = JSON.parse(text) as unknown;
    const trades = Array.isArray(parsed) ? parsed : (parsed as { trades?: unknown }).trades;
    if (!Array.isArray(trades)) {
        throw new Error(`${file}: expected a JSON array of trades or {"trades": [...]}`);
    }
    return { trades, digest };
}

const CHUNK = 500;

/**
 * Registers every trade of a file in bulk requests of up to 500. The Idempotency-Key of each request is
 * derived from the file's content and the chunk, so running the same import again writes nothing twice.
 */
export async function importTrades(gateway: GatewayClient, file: string, io: Io): Promise<number> {
    const { trades, digest } = tradesFromFile(file);
    let failed = 0;
    for (let start = 0; start < trades.length; start += CHUNK) {
        const chunk = trades.slice(start, start + CHUNK);
        // the file's rows as they are: the gateway validates each and refuses the request naming every bad one
        const rows = chunk as OperationInput<'registerTrades'>['body']['trades'];
        const answer = await gateway.call('registerTrades', {
            body: { trades: rows },
            idempotencyKey: `mpt-import-${digest}-${start / CHUNK}`,
        });
        const landed = answer.result.transactions.map((tx) => `${tx.txId} in block ${tx.blockNumber}`).join(', ');
        io.err(`rows ${start + 1}-${start + chunk.length}: transactions ${landed}`);
        for (const row of answer.result.results) {
            const where = `row ${start + row.index + 1}${row.tradeNo ? ` (${row.tradeNo})` : ''}`;
            if (row.ok) {
                io.out(`ok      ${where}`);
            } else {
                failed += 1;
                io.out(`refused ${where}: ${row.code ?? ''} ${row.message ?? ''}`);
            }
        }
    }
    io.out(`${trades.length - failed} registered, ${failed} refused`);
    return failed;
}

export function program(io: Io, env: NodeJS.ProcessEnv = process.env): Command {
    const cli = new Command('mpt')
        .description('Market procurement trade ledger: common jobs through the REST gateway')
        .option('--url <url>', 'gateway URL (default $MPT_URL or http://127.0.0.1:3000)')
        .option('--key <apiKey>', 'your API key (default $MPT_API_KEY)')
        .exitOverride();
    const gatewayUrl = (): string => cli.opts<{ url?: string }>().url ?? env.MPT_URL ?? 'http://127.0.0.1:3000';
    const gateway = (apiKey?: string): GatewayClient =>
        new GatewayClient({ baseUrl: gatewayUrl(), apiKey, whenUnreachable: 'Is it running? npm start' });
    const signed = (): GatewayClient => {
        const key = cli.opts<{ key?: string }>().key ?? env.MPT_API_KEY;
        if (!key) {
            throw new Error('no API key: pass --key or set MPT_API_KEY (npm start prints demo keys)');
        }
        return gateway(key);
    };
    const json = (value: unknown): void => {
        io.out(JSON.stringify(value, null, 2));
    };

    cli.command('onboard')
        .description(
            "record a person on the ledger and register them at your organisation's CA; prints a one-time " +
                'enrolment code to hand to them (running it again before they redeem it issues a new code)',
        )
        .argument('<username>')
        .requiredOption(
            '--role <role>',
            'mpt.role: vendor, agent, consolidator, broker, operator, customs, bank, auditor',
        )
        .requiredOption('--party <partyId>', 'mpt.party: the on-chain party the person acts for')
        .action(async (username: string, options: { role: string; party: string }) => {
            const idempotencyKey = `mpt-onboard-${username}-${randomUUID()}`;
            const role = options.role as OperationInput<'onboard'>['body']['role'];
            json(await signed().call('onboard', { body: { username, role, party: options.party }, idempotencyKey }));
        });

    cli.command('enrol')
        .description(
            'redeem the enrolment code you were given for your own API key (no key needed); shown once. Prefer ' +
                '$MPT_ENROLMENT_CODE to the argument: an argument stays in shell history and process lists',
        )
        .argument('[code]')
        .action(async (argument: string | undefined) => {
            const enrolmentCode = argument ?? env.MPT_ENROLMENT_CODE;
            if (!enrolmentCode) throw new Error('no enrolment code: set MPT_ENROLMENT_CODE or pass it');
            json(await gateway().call('enrol', { body: { enrolmentCode } }));
        });

    cli.command('import-trades')
        .description('register the trades of a CSV (one row per trade line) or JSON file, in bulk, answered per row')
        .argument('<file>')
        .action(async (file: string) => {
            if ((await importTrades(signed(), file, io)) > 0) {
                process.exitCode = 1;
            }
        });

    cli.command('check-receipt')
        .description('bank check of a filed receipt: PASS / REFER / FAIL with every check and reason code')
        .argument('<receiptId>', 'e.g. BankOrgMSP:R-20261127-0009')
        .action(async (receiptId: string) => {
            const answer = await signed().call('checkReceipt', { body: { receiptId } });
            io.out(`verdict ${answer.result.verdict}`);
            for (const check of answer.result.checks) {
                io.out(`  ${check.id} ${check.outcome.padEnd(5)} ${check.reason}`);
            }
        });

    cli.command('trace')
        .description('who is accountable for a declaration line, with the value each contributed')
        .argument('<declNo>')
        .argument('<gNo>', 'line number, from 1')
        .action(async (declNo: string, gNo: string) => {
            const answer = await signed().call('traceDeclarationLine', { params: { declNo, gNo } });
            for (const party of answer.result.accountable) {
                io.out(`${party.role.padEnd(13)} ${party.partyId.padEnd(12)} USD ${(party.valueUsd / 100).toFixed(2)}`);
            }
        });

    cli.command('history')
        .description('every committed version of a record, with transaction IDs and times')
        .argument('<recordType>', 'e.g. trade, declaration, party; receipt, exemption, document (as their readers)')
        .argument('<recordId>', 'receipts: <bankMspId>:<receiptRef>; documents: the SHA-256')
        .option('--out <file>', 'write the JSON to a file')
        .action(async (recordType: string, recordId: string, options: { out?: string }) => {
            const client = signed();
            const answer =
                recordType === 'receipt'
                    ? await client.call('getReceiptHistory', { params: { receiptId: recordId } })
                    : recordType === 'exemption'
                      ? await client.call('getExemptionHistory', { params: { filingNo: recordId } })
                      : recordType === 'document'
                        ? await client.call('getDocumentHistory', { params: { sha256: recordId } })
                        : await client.call('getHistory', { params: { recordType, recordId } });
            if (options.out) {
                writeFileSync(options.out, `${JSON.stringify(answer, null, 2)}\n`);
                io.out(`written to ${options.out}`);
            } else {
                json(answer);
            }
        });
    cli.command('verify-verdict')
        .description(
            'check a bank verdict exported from the console (JSON or PDF): the signature over its canonical JSON with ' +
                'the certificate inside, and with --ca that the bank’s CA issued that certificate; no gateway needed',
        )
        .argument('<file>')
        .option('--ca <pem>', "the bank organisation's CA certificate (PEM file)")
        .action((file: string, options: { ca?: string }) => {
            const bytes = readFileSync(file);
            const document: unknown =
                bytes.subarray(0, 5).toString('latin1') === '%PDF-'
                    ? verdictFromPdf(bytes)
                    : JSON.parse(bytes.toString('utf8'));
            const check = verifyVerdict(
                document,
                options.ca === undefined ? undefined : readFileSync(options.ca, 'utf8'),
            );
            io.out(`${check.valid ? 'valid' : 'INVALID'}: ${check.detail}`);
            if (!check.valid) process.exitCode = 1;
        });
    return cli;
}

if (require.main === module) {
    const io: Io = {
        out: (line) => {
            process.stdout.write(`${line}\n`);
        },
        err: (line) => {
            process.stderr.write(`${line}\n`);
        },
    };
    program(io)
        .parseAsync()
        .catch((error: unknown) => {
            const code = (error as { code?: string }).code;
            if (code === 'commander.helpDisplayed' || code === 'commander.version') {
                return;
            }
            if (!code?.startsWith('commander.')) {
                io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
            }
            process.exitCode = 1;
        });
}
