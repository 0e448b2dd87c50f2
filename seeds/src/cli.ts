#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { businessDateOf } from '../../chaincode/src/lib/identity';
import { GatewayUnreachable } from '../../gateway/src/client';
import { generateMarket } from './generate';
import { onboardedKeyRing, parseKeyPairs, readKeyFile, type KeyRing } from './keys';
import { checkCases, type CasesReport } from './fraud/verify';
import { describeCase } from './fraud/catalogue';
import { consoleReporter, loadPlan, type LoadReport } from './load';
import type { Market, SizeName } from './model';
import { buildPlan, DEMO_PARTIES, externalKeys, PHASES, type PhaseName } from './plan';
import { SIZE_NAMES } from './sizes';

/** `seeds generate | fraud | load`: a deterministic market, its fraud cases, and loading it through the gateway. */

/** The China business date now: the ledger dates declarations, releases and exits by it (V32). */
const today = (): string => businessDateOf(new Date().toISOString());

function integer(value: string): number {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
    return n;
}

function date(value: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('must be a date YYYY-MM-DD');
    return value;
}

function phases(value: string): PhaseName[] {
    const names = value.split(',').map((p) => p.trim());
    const unknown = names.filter((n) => !(PHASES as readonly string[]).includes(n));
    if (unknown.length > 0)
        throw new InvalidArgumentError(`unknown phase(s) ${unknown.join(', ')}; phases: ${PHASES.join(', ')}`);
    return names as PhaseName[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface MarketOptions {
    readonly seed: number;
    readonly size: SizeName;
    readonly asOf: string;
}

function withMarketOptions(command: Command): Command {
    return command
        .option('--seed <n>', 'seed of the generator', integer, 1)
        .addOption(new Option('--size <size>', 'market size').choices(SIZE_NAMES).default('small'))
        .option(
            '--as-of <date>',
            "the market's today, the China business day of the load: declarations, releases and exits are dated on it",
            date,
            today(),
        );
}

function summary(m: Market): string {
    const n = (label: string, count: number): string => `${count} ${label}`;
    return [
        `market seed ${m.meta.seed} (${m.meta.size}, as of ${m.meta.asOf}, fingerprint ${m.meta.fingerprint}):`,
        [
            n('parties', m.parties.length),
            n('goods', m.goods.length),
            n('trades', m.trades.length),
            n('consolidation orders', m.consolidationOrders.length),
            n('packing lists', m.packingLists.length),
            n('declarations', m.declarations.length),
            n('customs events', m.customsEvents.length),
            n('receipts', m.receipts.length),
            n('exemption filings', m.exemptions.length),
            n('fraud cases', m.fraudCases.length),
        ].join(', '),
    ].join(' ');
}

function printReport(report: LoadReport, cases: CasesReport | null): void {
    const t = report.totals;
    if (cases !== null) {
        process.stderr.write(
            `  ${'cases'.padEnd(14)} ${String(cases.total).padStart(6)}  ${cases.passed} answered as labelled` +
                `${cases.failed > 0 ? `, ${cases.failed} FAILED` : ''}${cases.skipped > 0 ? `, ${cases.skipped} skipped` : ''}` +
                `  (${(cases.ms / 1000).toFixed(1)}s)\n`,
        );
        for (const f of cases.failures) process.stderr.write(`      failed: ${f.id}: ${f.message}\n`);
    }
    process.stderr.write(
        `done in ${(report.ms / 1000).toFixed(1)}s: ${t.ok} written, ${t.replayed} replayed, ${t.existing} already there, ` +
            `${t.labelled} refused/flagged as labelled, ${t.failed + (cases?.failed ?? 0)} failed, ${t.skipped} skipped\n`,
    );
}

interface LoadCliOptions extends MarketOptions {
    readonly gateway: string;
    readonly keys: string[];
    readonly key: string[];
    readonly state: string;
    readonly concurrency: number;
    readonly bulkSize: number;
    readonly phases?: PhaseName[];
}

function keyRing(options: LoadCliOptions): KeyRing {
    const given = new Map<string, string>();
    for (const file of options.keys) for (const [p, k] of readKeyFile(file)) given.set(p, k);
    for (const [p, k] of parseKeyPairs([process.env.SEED_API_KEYS ?? '', ...options.key])) given.set(p, k);
    return onboardedKeyRing(options.state, given);
}

async function load(options: LoadCliOptions): Promise<number> {
    const market = generateMarket(options);
    const plan = buildPlan(market, { bulkSize: options.bulkSize });
    const ring = keyRing(options);
    const keys = ring.keys;
    process.stderr.write(`${summary(market)}\nloading through ${options.gateway}\n`);
    if (!keys.has(market.authorities.operatorId)) {
        process.stderr.write(
            `no API key for the operator ${market.authorities.operatorId}: run \`npm run gateway:bootstrap > keys.txt\` ` +
                'and pass --keys keys.txt (or --key OP-YIWU=<key>)\n',
        );
        return 2;
    }
    const missing = [...DEMO_PARTIES].filter((p) => !keys.has(p));
    if (missing.length > 0)
        process.stderr.write(`no API key for ${missing.join(', ')}: their writes will be skipped\n`);
    for (const party of externalKeys(plan).filter((p) => !keys.has(p))) {
        process.stderr.write(
            `no API key for ${party} (an officer of another bank org, which the market operator cannot onboard): ` +
                `its receipts are skipped; onboard one with that org's admin key and pass --key ${party}=<key>\n`,
        );
    }
    const report = await loadPlan(plan, {
        gatewayUrl: options.gateway,
        keys,
        saveKey: ring.save,
        reporter: consoleReporter(),
        concurrency: options.concurrency,
        ...(options.phases === undefined ? {} : { only: options.phases }),
    });
    // the answers that show only after the writes: flags, statuses, bank and customs check verdicts
    const cases = options.phases === undefined ? await checkCases(market, { gatewayUrl: options.gateway, keys }) : null;
    printReport(report, cases);
    return report.totals.failed + (cases?.failed ?? 0) > 0 ? 1 : 0;
}

export function program(): Command {
    const cli = new Command('seeds').description(
        'Deterministic market procurement (mode 1039) demo data and its loader',
    );
    withMarketOptions(cli.command('generate').description('print the generated market as JSON'))
        .option('--out <file>', 'write to a file instead of stdout')
        .action((options: MarketOptions & { out?: string }) => {
            const market = generateMarket(options);
            const json = `${JSON.stringify(market, null, 2)}\n`;
            if (options.out === undefined) process.stdout.write(json);
            else writeFileSync(options.out, json);
            process.stderr.write(`${summary(market)}\n`);
        });
    withMarketOptions(
        cli.command('fraud').description('list the labelled fraud cases and what the ledger must answer'),
    ).action((options: MarketOptions) => {
        for (const f of generateMarket(options).fraudCases) {
            const { id, title, answer } = describeCase(f);
            process.stdout.write(`${id.padEnd(42)} ${title}\n${''.padEnd(42)} → ${answer}\n`);
        }
    });
    withMarketOptions(cli.command('load').description('load the market through the gateway REST API'))
        .option('--gateway <url>', 'gateway base URL', process.env.SEED_GATEWAY_URL ?? 'http://127.0.0.1:3000')
        .option(
            '--keys <file>',
            'API keys: JSON {party: key} or saved `gateway:bootstrap` output (repeatable)',
            collect,
            [],
        )
        .option('--key <party=key>', 'one API key (repeatable); also SEED_API_KEYS=PARTY=KEY,…', collect, [])
        .option(
            '--state <file>',
            'where keys from onboarding are kept (0600)',
            path.join('seeds', '.state', 'keys.json'),
        )
        .option('--concurrency <n>', 'requests in flight in order-free phases', integer, 4)
        .option('--bulk-size <n>', 'trades per bulk registration (1..500)', integer, 200)
        .option('--phases <list>', `only these phases (${PHASES.join(',')})`, phases)
        .action(async (options: LoadCliOptions) => {
            try {
                process.exitCode = await load(options);
            } catch (error) {
                if (!(error instanceof GatewayUnreachable)) throw error;
                process.stderr.write(`${error.message}\n`);
                process.exitCode = 2;
            }
        });
    return cli;
}

if (require.main === module) {
    program()
        .parseAsync(process.argv)
        .catch((error: unknown) => {
            process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        });
}
