import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { program } from '../../../seeds/src/cli';

function run(args: string[]): Promise<{ out: string; err: string }> {
    let out = '';
    let err = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        err += String(chunk);
        return true;
    });
    return program()
        .parseAsync(['node', 'seeds', ...args])
        .then(() => ({ out, err }));
}

describe('the seeds command line', () => {
    afterEach(() => {
        jest.restoreAllMocks();
        process.exitCode = undefined;
    });

    it('prints the same market for the same options, with a summary on stderr', async () => {
        const a = await run(['generate', '--seed', '4', '--as-of', '2026-11-27']);
        const b = await run(['generate', '--seed', '4', '--as-of', '2026-11-27']);
        expect(a.out).toBe(b.out);
        expect((JSON.parse(a.out) as { meta: { seed: number } }).meta.seed).toBe(4);
        expect(a.err).toMatch(/^market seed 4 \(small, as of 2026-11-27, fingerprint [0-9a-f]{8}\): 63 parties/);
    });

    it('lists the fraud cases with the answer the ledger must give', async () => {
        const { out } = await run(['fraud', '--as-of', '2026-11-27']);
        expect(out).toContain('FRAUD-F2-SECOND-BANK');
        expect(out).toContain('→ refused RULE_V25; bank check FAIL BK04_AMOUNT_EXCEEDS_REMAINING');
        expect(out).toContain('NEAR-F2-SECOND-BANK-TAKES-THE-REMAINDER (near-miss)');
        expect(out).toContain('→ accepted, no F9 flag on receipt BankOrgMSP:R-');
        expect(out.match(/^FRAUD-/gm)).toHaveLength(34);
        expect(out.match(/^NEAR-/gm)).toHaveLength(5);
        for (const pattern of ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11'])
            expect(out.split(`[${pattern}]`).length - 1).toBeGreaterThanOrEqual(2);
        expect(out).toContain('FRAUD-F2-DOUBLE-FINANCING');
    });

    it('refuses to load without the operator key, and says where keys come from', async () => {
        const { err } = await run(['load', '--gateway', 'http://127.0.0.1:9', '--state', '/nonexistent/keys.json']);
        expect(err).toContain('no API key for the operator OP-YIWU: run `npm run gateway:bootstrap > keys.txt`');
        expect(process.exitCode).toBe(2);
    });

    it('rejects an unknown phase', async () => {
        const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
            throw new Error('exit');
        });
        await expect(run(['load', '--phases', 'parties,nonsense'])).rejects.toThrow('exit');
        expect(exit).toHaveBeenCalled();
    });
});
