#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { readConnectionProfile } from '../../../network/client';
import { loadConfigOrExit } from '../config';
import { verifyOrgReadModel, type VerifyProgress, type VerifyReport } from '../projection';
import { registrars } from '../server';

/**
 * `npm run readmodel:verify`: proof that each org's read model equals its peer's ledger (docs/read-side.md
 * "Verifying the read model"). Reads the gateway's own settings (connection profile, data directory, database URL);
 * exits 0 when every verified read model is clean, 1 when one diverges, 2 when one cannot be verified.
 */

const origin = (o: { blockNumber: number; txId: string } | null): string =>
    o === null ? '-' : `block ${o.blockNumber} tx ${o.txId}`;

const KIND_ZH: Readonly<Record<string, string>> = { missing: '缺失', extra: '多余', altered: '被改' };

/** The report as people read it: a line per divergence and per checkpoint problem, then the per-table counts. */
export function formatReport(org: string, report: VerifyReport): string {
    const lines: string[] = [];
    const through = report.throughBlock === null ? 'no block yet / 尚无区块' : `block ${report.throughBlock}`;
    lines.push(`${org}: read model through ${through} (peer height ${report.peerHeight}), ${report.elapsedMs} ms`);
    for (const d of report.divergences) {
        const key = Object.entries(d.key)
            .map(([column, value]) => `${column}=${String(value)}`)
            .join(',');
        const columns = d.columns.length > 0 ? ` columns ${d.columns.join(',')}` : '';
        lines.push(
            `  ${d.kind} / ${KIND_ZH[d.kind] ?? d.kind}  ${d.table} ${key}${columns}  ` +
                `expected ${origin(d.expected)}; found ${origin(d.found)}`,
        );
    }
    if (report.divergenceCount > report.divergences.length) {
        lines.push(`  … and ${report.divergenceCount - report.divergences.length} more / 另有更多`);
    }
    for (const p of report.checkpointProblems) {
        lines.push(`  checkpoint / 检查点 ${p.kind} block ${p.blockNumber}: ${p.detail} [${p.txIds.join(', ')}]`);
    }
    for (const t of report.tables) {
        lines.push(
            `  ${t.table.padEnd(26)} ledger ${String(t.expectedRows).padStart(8)}  read model ` +
                `${String(t.foundRows).padStart(8)}  divergences ${t.divergences}`,
        );
    }
    lines.push(
        report.clean
            ? `${org}: clean — the read model equals the ledger / 读模型与账本一致`
            : `${org}: ${report.divergenceCount} divergences, ${report.checkpointProblems.length} checkpoint ` +
                  `problems / 读模型与账本不一致`,
    );
    return lines.join('\n');
}

/** Progress on stderr, at most a line a second, so a long replay shows it is moving. */
function progressPrinter(org: string): (progress: VerifyProgress) => void {
    let last = 0;
    return (progress) => {
        const now = Date.now();
        if (now - last < 1000) return;
        last = now;
        process.stderr.write(
            progress.phase === 'replay'
                ? `${org}: replaying block ${progress.blockNumber} of ${progress.lastBlock} / 重放区块\n`
                : `${org}: comparing ${progress.table}, ${progress.rows} rows / 比对\n`,
        );
    };
}

function positive(value: string): number {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('a positive integer');
    return parsed;
}

async function main(): Promise<number> {
    const program = new Command('readmodel:verify')
        .description("Re-reads each org's chain from block 0 and compares it with its read model, row by row")
        .option('--org <org...>', 'the orgs to verify (default: every org whose registrar the wallet holds)')
        .option('--max <n>', 'divergences listed per org (the rest are counted)', positive, 1000)
        .option('--json', 'print the reports as JSON instead of text')
        .parse();
    const options = program.opts<{ org?: string[]; max: number; json?: boolean }>();
    const config = loadConfigOrExit();
    const profile = readConnectionProfile(config.connectionProfile);
    const readers = registrars(profile);
    const orgs = options.org ?? profile.orgs.filter((o) => readers.has(o.mspId)).map((o) => o.org);
    let exitCode = 0;
    const reports: Record<string, VerifyReport> = {};
    for (const org of orgs) {
        const mspId = profile.orgs.find((o) => o.org === org)?.mspId;
        const reader = mspId === undefined ? undefined : readers.get(mspId);
        if (reader === undefined) {
            process.stderr.write(`${org}: not in the connection profile or no registrar in its wallet / 无法校验\n`);
            exitCode = 2;
            continue;
        }
        const report = await verifyOrgReadModel({
            profile,
            org,
            reader,
            dataDir: config.dataDir,
            databaseUrl: config.databaseUrl,
            maxReported: options.max,
            onProgress: progressPrinter(org),
        });
        reports[org] = report;
        if (!options.json) process.stdout.write(`${formatReport(org, report)}\n`);
        if (!report.clean && exitCode === 0) exitCode = 1;
    }
    if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return exitCode;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (error: unknown) => {
            process.stderr.write(
                `readmodel:verify failed: ${error instanceof Error ? error.message : String(error)}\n`,
            );
            process.exit(2);
        },
    );
}
