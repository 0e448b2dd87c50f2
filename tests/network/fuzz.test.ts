import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { repoRoot } from '../../network/client';
import { certificatesOf, channelHeight, marketSuite, ok, transactionsSince, type LedgerTx } from './gateway-support';

/**
 * Schemathesis fuzzes every operation of the gateway's own /openapi.json as every caller (each role of a market
 * onboarded for this run, the MarketOrg admin, and no key), on the real network. It fails on any 5xx, any answer
 * the document does not describe (status, content type, headers, body schema), and any refused request that
 * changed the ledger: every valid transaction this run's people signed in the blocks written meanwhile must be
 * the txId of an answer the fuzzer got as a success (or as 503 COMMIT_UNKNOWN); an error body's txId (409, 502)
 * names a transaction that must not have changed anything.
 *
 * Budget (2 cores, about three minutes): the coverage phase (boundary and invalid values of every parameter and
 * field, which the gateway's validation answers before any role matters) runs once, as the operator; the fuzzing
 * phase (valid and invalid requests) runs as every caller with a few examples per operation. One worker, one
 * caller at a time (two at a time was slower on two busy cores), a hard time limit per caller. Schemathesis is
 * installed once into .fabric/schemathesis by scripts/ensure-schemathesis.js.
 */
const MAX_EXAMPLES = 5;
const SEED = Date.now() % 1_000_000;
// safety nets against a hung run, far above the usual (the operator ~45 s, any other caller ~15 s)
const CALLER_TIME_LIMIT_MS = 300_000;
const FUZZ_TIME_LIMIT_MS = 15 * 60_000;
/** Every check that applies to answers of a server that documents its responses. */
const CHECKS = [
    'not_a_server_error',
    'status_code_conformance',
    'content_type_conformance',
    'response_headers_conformance',
    'response_schema_conformance',
];
/** Key rotation retires the caller's key: fuzzed last, in a run of its own per caller. */
const ROTATE = 'rotateKey';

let st: string;

// before the market is onboarded, so that a failed install fails fast (the first install takes ~25 s)
beforeAll(() => {
    st = execFileSync(process.execPath, [path.join(repoRoot(), 'scripts/ensure-schemathesis.js')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
}, 300_000);

// the work lists answer from the read side: this suite's gateway runs it, so they are fuzzed like every operation
const { gw, m } = marketSuite({ MPT_PROJECTION: 'on' });

interface Caller {
    readonly name: string;
    readonly apiKey: string | undefined;
    readonly phases: string;
    /**
     * Operations this caller could use to change what every other suite relies on, so they are not fuzzed as it:
     * negative-list versions must be published in date order, and one random version dated centuries ahead would
     * refuse every later publication on this ledger. Every other caller still fuzzes them (and is refused).
     */
    readonly leaves?: readonly string[];
}

const SHARED_STATE_WRITES = ['publishNegativeList'];

interface Operation {
    /** `GET /v1/trades/{tradeNo}`: the operations endpoints (/healthz, /metrics, …) have no operationId. */
    readonly name: string;
    readonly method: string;
    readonly pattern: RegExp;
    readonly operationId: string | undefined;
}

/** One request the fuzzer made and the answer it got, from its VCR cassette. */
interface Exchange {
    readonly caller: string;
    readonly operation: string;
    readonly status: number;
    readonly txId?: string;
}

/** One failed check from the JUnit report (the operation and schemathesis's message). */
interface Finding {
    readonly caller: string;
    readonly operation: string;
    readonly message: string;
}

let workDir: string;
let operations: Operation[];
let callers: Caller[];

beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'mpt-fuzz-'));
    const doc = ok(await gw.client(undefined).get('/openapi.json')) as {
        paths: Record<string, Record<string, { operationId?: string }>>;
    };
    writeFileSync(path.join(workDir, 'openapi.json'), JSON.stringify(doc));
    // literal paths first, so that `/v1/trades/bulk` is not taken for `/v1/trades/{tradeNo}`
    const byLiteralFirst = Object.entries(doc.paths).sort(([a], [b]) => a.split('{').length - b.split('{').length);
    operations = byLiteralFirst.flatMap(([template, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
            name: `${method.toUpperCase()} ${template}`,
            method: method.toUpperCase(),
            pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]*')}$`),
            operationId: operation.operationId,
        })),
    );
    callers = [
        { name: 'operator', apiKey: m.operator.api.apiKey, phases: 'coverage,fuzzing', leaves: SHARED_STATE_WRITES },
        { name: 'vendor', apiKey: m.vendor.api.apiKey, phases: 'fuzzing' },
        { name: 'agent', apiKey: m.agent.api.apiKey, phases: 'fuzzing' },
        { name: 'consolidator', apiKey: m.consolidator.api.apiKey, phases: 'fuzzing' },
        { name: 'broker', apiKey: m.broker.api.apiKey, phases: 'fuzzing' },
        { name: 'customs', apiKey: m.customs.api.apiKey, phases: 'fuzzing', leaves: SHARED_STATE_WRITES },
        { name: 'bank', apiKey: m.bank.api.apiKey, phases: 'fuzzing' },
        { name: 'auditor', apiKey: m.auditor.api.apiKey, phases: 'fuzzing' },
        { name: 'org admin', apiKey: m.admin.apiKey, phases: 'fuzzing' },
        { name: 'no key', apiKey: undefined, phases: 'fuzzing' },
    ];
});

afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Runs `st run` as one caller over the operations `filter` selects; its reports land in `<workDir>/<label>.*`. */
async function fuzz(caller: Caller, label: string, filter: string[], phases = caller.phases): Promise<void> {
    const args = [
        'run',
        path.join(workDir, 'openapi.json'),
        '--url',
        gw.url,
        ...(caller.apiKey === undefined ? [] : ['--header', `Authorization: Bearer ${caller.apiKey}`]),
        ...filter,
        ...(caller.leaves ?? []).flatMap((operationId) => ['--exclude-operation-id', operationId]),
        '--checks',
        CHECKS.join(','),
        '--phases',
        phases,
        '--max-examples',
        String(MAX_EXAMPLES),
        '--workers',
        '1',
        '--seed',
        String(SEED),
        '--no-shrink',
        '--continue-on-failure',
        '--generation-database',
        'none',
        '--request-timeout',
        '30',
        '--report',
        'junit,vcr',
        '--report-junit-path',
        path.join(workDir, `${label}.xml`),
        '--report-vcr-path',
        path.join(workDir, `${label}.yaml`),
        '--no-color',
    ];
    const started = Date.now();
    const child = spawn(st, args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CALLER_TIME_LIMIT_MS);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    writeFileSync(path.join(workDir, `${label}.log`), output);
    process.stderr.write(`[fuzz] ${label}: exit ${String(code)} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    // exit 1 = checks failed (read from the report below); anything else means schemathesis itself did not finish
    if (code !== 0 && code !== 1)
        throw new Error(`st run as ${label} ended with ${String(code)}:\n${output.slice(-4000)}`);
}

interface Cassette {
    http_interactions?: {
        request: { method: string; uri: string };
        response?: { status: { code: number }; body?: { string?: string } };
    }[];
}

function exchangesOf(caller: string, label: string): Exchange[] {
    const cassette = parse(readFileSync(path.join(workDir, `${label}.yaml`), 'utf8')) as Cassette | null;
    return (cassette?.http_interactions ?? []).flatMap(({ request, response }) => {
        if (response === undefined) return [];
        const url = new URL(request.uri);
        const op = operations.find((o) => o.method === request.method && o.pattern.test(url.pathname));
        const txId = txIdIn(response.body?.string);
        return [
            {
                caller,
                operation: op?.name ?? `${request.method} ${url.pathname}`,
                status: response.status.code,
                ...(txId === undefined ? {} : { txId }),
            },
        ];
    });
}

/** The txId of a write answer (`{txId, …}`) or of a 503 COMMIT_UNKNOWN error body. */
function txIdIn(body: string | undefined): string | undefined {
    try {
        const parsed = JSON.parse(body ?? '') as { txId?: unknown; error?: { txId?: unknown } };
        const found = parsed.txId ?? parsed.error?.txId;
        return typeof found === 'string' ? found : undefined;
    } catch {
        return undefined;
    }
}

/** Failed checks from the JUnit report: the `<failure>` text starts with the check, received and documented. */
function findingsOf(caller: string, label: string): Finding[] {
    const xml = readFileSync(path.join(workDir, `${label}.xml`), 'utf8');
    const text = (escaped: string): string =>
        escaped
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&quot;/g, '"')
            .replace(/&amp;/g, '&');
    // one chunk per test case (a passed one may be self-closing: `<testcase name="…"/>`)
    return xml
        .split('<testcase ')
        .slice(1)
        .flatMap((testcase) =>
            [...testcase.matchAll(/<(failure|error)[^>]*>([\s\S]*?)<\/\1>/g)].map(([, , detail]) => ({
                caller,
                operation: text(/^name="([^"]*)"/.exec(testcase)?.[1] ?? '?'),
                message: text(detail ?? '')
                    .replace(/\s+/g, ' ')
                    .slice(0, 600),
            })),
        );
}

describe('schemathesis against every operation as every caller', () => {
    const exchanges: Exchange[] = [];
    const findings: Finding[] = [];
    /** Every transaction in the blocks written during the fuzz, by anyone. */
    let appended: LedgerTx[] = [];
    /** Those signed by this run's people. */
    let written: LedgerTx[] = [];

    /** Fuzzes as each caller in turn and collects what the reports say. */
    async function fuzzAll(suffix: string, filter: string[], phases?: string): Promise<void> {
        for (const caller of callers) {
            const label = `${caller.name.replace(/\s+/g, '-')}${suffix}`;
            await fuzz(caller, label, filter, phases);
            exchanges.push(...exchangesOf(caller.name, label));
            findings.push(...findingsOf(caller.name, label));
        }
    }

    beforeAll(async () => {
        const from = await channelHeight();
        await fuzzAll('', ['--exclude-operation-id', ROTATE]);
        await fuzzAll('-rotate', ['--include-operation-id', ROTATE], 'fuzzing');
        const ours = certificatesOf(gw, [
            m.operator,
            m.vendor,
            m.agent,
            m.consolidator,
            m.broker,
            m.customs,
            m.bank,
            m.auditor,
        ]);
        appended = await transactionsSince(from);
        written = appended.filter((tx) => ours.has(tx.creator));
        printSummary(exchanges, findings, written);
    }, FUZZ_TIME_LIMIT_MS);

    it('made requests as every caller to every operation', () => {
        const left = (caller: Caller, op: Operation): boolean => (caller.leaves ?? []).includes(op.operationId ?? '');
        const missing = callers.flatMap((caller) =>
            operations
                .filter((op) => !left(caller, op))
                .filter((op) => !exchanges.some((e) => e.caller === caller.name && e.operation === op.name))
                .map((op) => `${caller.name} ${op.name}`),
        );
        const leftOut = callers.flatMap((caller) => operations.filter((op) => left(caller, op)).map((op) => op.name));
        expect(operations.length).toBeGreaterThanOrEqual(74);
        expect(missing).toEqual([]);
        // only the shared-state writes are left out, and only for the callers that could make them
        expect(leftOut).toEqual(['POST /v1/negative-lists', 'POST /v1/negative-lists']);
    });

    it('never answers 5xx', () => {
        expect(exchanges.filter((e) => e.status >= 500)).toEqual([]);
    });

    it('answers only what /openapi.json documents', () => {
        expect(findings).toEqual([]);
    });

    it('writes to the ledger only for requests it answered as a success', () => {
        const answered = answeredTxIds(exchanges);
        // the probe reads the right blocks: the fuzzer's own successful writes are in them
        expect(written.filter((tx) => tx.valid).length).toBeGreaterThan(0);
        const inBlocks = new Set(appended.map((tx) => tx.txId));
        expect([...answered].filter((txId) => !inBlocks.has(txId))).toEqual([]);
        expect(written.filter((tx) => tx.valid && !answered.has(tx.txId))).toEqual([]);
    });
});

/** The txIds of the writes the gateway answered as done (2xx) or as possibly done (503 COMMIT_UNKNOWN). */
function answeredTxIds(exchanges: Exchange[]): Set<string> {
    return new Set(
        exchanges.flatMap((e) => (e.txId !== undefined && (e.status < 300 || e.status === 503) ? [e.txId] : [])),
    );
}

function printSummary(exchanges: Exchange[], findings: Finding[], written: LedgerTx[]): void {
    const count = (keys: string[]): string =>
        Object.entries(keys.reduce<Record<string, number>>((acc, key) => ({ ...acc, [key]: (acc[key] ?? 0) + 1 }), {}))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, n]) => `${key}: ${n}`)
            .join(', ');
    const answered = answeredTxIds(exchanges);
    const lines = [
        `[fuzz] schemathesis (seed ${SEED}, ${MAX_EXAMPLES} examples per operation and phase): ${exchanges.length} requests over ${operations.length} operations`,
        `[fuzz] per caller: ${count(exchanges.map((e) => e.caller))}`,
        `[fuzz] per status: ${count(exchanges.map((e) => String(e.status)))}`,
        `[fuzz] 5xx: ${exchanges.filter((e) => e.status >= 500).length}; failed checks: ${findings.length}`,
        `[fuzz] ledger: ${written.length} transactions by this run's people (${written.filter((tx) => tx.valid).length} valid), ${written.filter((tx) => tx.valid && !answered.has(tx.txId)).length} not answered as a success`,
        ...findings.slice(0, 30).map((f) => `[fuzz]   ${f.caller} ${f.operation}: ${f.message}`),
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
}
