import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { businessDateOf } from '../../chaincode/src/lib/identity';
import { bootstrap, type IssuedKey } from '../../gateway/src/cli/bootstrap';
import { GatewayClient } from '../../gateway/src/client';
import { loadConfigOrExit } from '../../gateway/src/config';
import { repoRoot } from '../../network/client';
import { connectionProfileFile } from '../../network/src/connection';
import { FabricNetwork } from '../../network/src/network';
import { waitFor, type Reporter } from '../../network/src/run';
import { generateMarket } from './generate';
import { onboardedKeyRing } from './keys';
import { checkCases } from './fraud/verify';
import { consoleReporter, loadPlan } from './load';
import type { Market } from './model';
import { buildPlan } from './plan';

/**
 * `npm start`: the whole system on this machine. Brings the Fabric network up, issues fresh demo API keys,
 * runs the gateway as a supervised background process, loads a small demo market through the REST API,
 * starts the watchdog, and prints what a new user needs: the URL, the docs page, the keys and three curl
 * examples. Safe to repeat; `npm run network:down` stops everything and keeps the data.
 */
const say: Reporter = {
    step: (message) => {
        process.stdout.write(`==> ${message}\n`);
    },
    detail: (message) => {
        process.stdout.write(`    ${message}\n`);
    },
};

const DEMO_USERS: { readonly env: string; readonly org: string; readonly username: string; readonly what: string }[] = [
    { env: 'OPERATOR_KEY', org: 'MarketOrg', username: 'operator1', what: 'market operator' },
    { env: 'VENDOR_KEY', org: 'MarketOrg', username: 'vendor1', what: 'vendor V-0001' },
    { env: 'AGENT_KEY', org: 'MarketOrg', username: 'agent1', what: 'agent A-0001' },
    { env: 'CUSTOMS_KEY', org: 'CustomsOrg', username: 'officer1', what: 'customs officer' },
    { env: 'BANK_KEY', org: 'BankOrg', username: 'officer1', what: 'bank officer of BANK-0001' },
    { env: 'BANK2_KEY', org: 'Bank2Org', username: 'officer1', what: 'bank officer of BANK-0002' },
];

/**
 * Every key this start issued, the org admins' included (an admin onboards its org's officers), as `export` lines in
 * a file only the owner may read: they are printed once and the gateway keeps only their hashes.
 */
function writeKeyFile(dataDir: string, issued: IssuedKey[]): string {
    const file = path.join(dataDir, 'demo-keys.env');
    const lines = issued
        .filter((key) => key.apiKey !== undefined)
        .map((key) => {
            const name = `${key.org}_${key.username}_KEY`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
            return `export ${name}=${key.apiKey ?? ''}   # ${key.role}${key.party === null ? '' : ` of ${key.party}`}`;
        });
    writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return file;
}

async function main(): Promise<void> {
    const started = Date.now();
    const network = new FabricNetwork({ reporter: say });
    await network.up();

    const config = loadConfigOrExit({ ...process.env, MPT_CONNECTION_PROFILE: connectionProfileFile(network.layout) });
    const url = `http://${config.host}:${config.port}`;

    say.step('Issuing demo API keys');
    // before the gateway (re)starts: it reads the key store when it starts
    const issued = await bootstrap({
        connectionProfile: config.connectionProfile,
        dataDir: config.dataDir,
        rotate: true,
        databaseUrl: config.databaseUrl,
        stateSchema: config.stateSchema,
    });
    const keyFile = writeKeyFile(config.dataDir, issued);

    say.step(`Starting the gateway on ${url}`);
    await network.startService({
        name: 'gateway',
        command: process.execPath,
        args: [path.join(repoRoot(), 'dist', 'gateway', 'src', 'server.js')],
        env: {
            MPT_GATEWAY_HOST: config.host,
            MPT_GATEWAY_PORT: String(config.port),
            MPT_CONNECTION_PROFILE: config.connectionProfile,
            MPT_GATEWAY_DATA_DIR: config.dataDir,
        },
        ports: [config.port],
    });
    const gateway = new GatewayClient({ baseUrl: url });
    await waitFor(
        `the gateway to be ready (see ${network.layout.log('gateway')})`,
        async () => ((await gateway.ready()) ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 500 },
    );
    await network.startWatchdog();

    say.step('Loading the demo market through the REST API');
    const market = generateMarket({ seed: 1, size: 'small', asOf: demoDate(config.dataDir) });
    const failed = await loadDemoMarket(market, url, issued, path.join(config.dataDir, 'seed-keys.json'));

    printWelcome(url, issued, keyFile, market, (Date.now() - started) / 1000);
    if (failed > 0) {
        process.stderr.write(`\n${failed} demo records failed to load; the lines above say which\n`);
        process.exitCode = 1;
    }
}

/**
 * The demo market's "today", fixed at the first start: the generator derives numbers and dates from it, so a
 * start on a later day loads the same market again (nothing new) instead of a second one beside it. It is China's
 * business date (UTC+8): the ledger dates declarations, releases and exits by it (V32).
 */
function demoDate(dataDir: string): string {
    const file = path.join(dataDir, 'demo-market.json');
    if (existsSync(file)) {
        return (JSON.parse(readFileSync(file, 'utf8')) as { asOf: string }).asOf;
    }
    const asOf = businessDateOf(new Date().toISOString());
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify({ asOf }));
    return asOf;
}

/**
 * Loads the market through the gateway; resolves with the number of records that failed. `stateFile` keeps the
 * keys of the demo users the market onboards (demo only); the bootstrap keys are printed, never written there.
 */
async function loadDemoMarket(market: Market, url: string, issued: IssuedKey[], stateFile: string): Promise<number> {
    const bootstrapped = new Map<string, string>();
    for (const key of issued) {
        if (key.party !== null && key.apiKey !== undefined) {
            bootstrapped.set(key.party, key.apiKey);
        }
    }
    const ring = onboardedKeyRing(stateFile, bootstrapped);
    const report = await loadPlan(buildPlan(market), {
        gatewayUrl: url,
        keys: ring.keys,
        saveKey: ring.save,
        reporter: consoleReporter((line) => {
            say.detail(line);
        }),
    });
    // the answers that show only after the writes: flags, statuses, bank and customs check verdicts
    const cases = await checkCases(market, { gatewayUrl: url, keys: ring.keys });
    for (const f of cases.failures) say.detail(`    failed: ${f.id}: ${f.message}`);
    const t = report.totals;
    const failed = t.failed + cases.failed;
    say.detail(
        `demo market: ${t.ok} written, ${t.replayed + t.existing} already there, ${t.labelled} fraud cases answered ` +
            `as labelled (${cases.passed} of ${cases.total} flags and check verdicts confirmed on the ledger), ` +
            `${failed} failed, ${t.skipped} skipped (${(report.ms / 1000).toFixed(1)}s)`,
    );
    return failed;
}

function exportedDeclaration(market: Market): { declNo: string; tradeNos: string[] } | undefined {
    const exited = new Set(market.customsEvents.filter((e) => e.kind === 'EXIT').map((e) => e.declNo));
    // not the one customs flagged (the F7 case): its receipts' bank checks refer on the open flag
    const flagged = new Set(market.riskFlags.map((f) => f.input.subjectId));
    const declaration = market.declarations.find(
        (d) => exited.has(d.input.declNo) && d.expect === undefined && !flagged.has(d.input.declNo),
    );
    return declaration && { declNo: declaration.input.declNo, tradeNos: [...declaration.input.tradeNos] };
}

function exampleTrade(market: Market): Record<string, unknown> | undefined {
    const template = market.trades.find((t) => t.input.vendorId === 'V-0001' && t.expect === undefined)?.input;
    const line = template?.lines[0];
    if (!template || !line) {
        return undefined;
    }
    return {
        tradeNo: `T-DEMO-${randomBytes(3).toString('hex').toUpperCase()}`,
        vendorId: template.vendorId,
        agentId: template.agentId,
        buyerId: template.buyerId,
        tradeDate: businessDateOf(new Date().toISOString()),
        currency: template.currency,
        agencyReceipt: false,
        paymentTerms: 'PREPAID',
        paymentChannel: 'BANK',
        lines: [
            {
                lineId: 'L1',
                goodsCode: line.goodsCode,
                qty: 100,
                unitPrice: line.unitPrice,
                amount: 100 * line.unitPrice,
            },
        ],
        documents: [],
    };
}

function printWelcome(url: string, issued: IssuedKey[], keyFile: string, market: Market, seconds: number): void {
    const exports = DEMO_USERS.map((user) => {
        const key = issued.find((k) => k.org === user.org && k.username === user.username)?.apiKey ?? '(not issued)';
        return `export ${user.env}=${key}   # ${user.what}`;
    });
    const trade = exampleTrade(market);
    const declaration = exportedDeclaration(market);
    const receipt = market.receipts.find(
        (r) => r.expect === undefined && r.input.allocations.every((a) => declaration?.tradeNos.includes(a.tradeNo)),
    );
    const receiptId = receipt ? `${receipt.bankMspId}:${receipt.input.receiptRef}` : 'BankOrgMSP:<receiptRef>';
    const lines = [
        '',
        `The market procurement ledger is running (${seconds.toFixed(0)}s).`,
        `  REST API   ${url}`,
        `  docs       ${url}/docs   (OpenAPI 3.1: ${url}/openapi.json)`,
        `  console    ${url}/   (sign in with a demo API key below)`,
        '',
        'Demo API keys, new on every start (the gateway keeps only their hashes):',
        ...exports.map((line) => `  ${line}`),
        `Every key, each org's admin key included (it onboards the org's officers): ${keyFile} (mode 0600)`,
        '',
        '# 1. a vendor registers a trade',
        `curl -s -X POST ${url}/v1/trades -H "Authorization: Bearer $VENDOR_KEY" -H 'Content-Type: application/json' \\`,
        `  -H "Idempotency-Key: $(date +%s%N)" -d '${JSON.stringify(trade ?? {})}'`,
        '',
        '# 2. a bank asks whether a receipt is backed by a real, exported, unused trade',
        `curl -s -X POST ${url}/v1/receipts/check -H "Authorization: Bearer $BANK_KEY" -H 'Content-Type: application/json' \\`,
        `  -d '${JSON.stringify({ receiptId })}'`,
        '',
        '# 3. customs traces a declaration line to the people accountable for it',
        `curl -s ${url}/v1/declarations/${declaration?.declNo ?? '<declNo>'}/lines/1/trace -H "Authorization: Bearer $CUSTOMS_KEY"`,
        '',
        'Stop with `npm run network:down` (the ledger is kept; `npm start` brings it back).',
        '',
    ];
    process.stdout.write(lines.join('\n'));
}

main().catch((error: unknown) => {
    process.stderr.write(`\nerror: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
