import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { program } from '../../../gateway/src/cli/mpt';
import {
    signVerdict,
    verifyVerdict,
    type SignedVerdict,
    type VerdictStatement,
} from '../../../gateway/src/verdicts/signed-verdict';
import { verdictFromPdf, verdictPdf } from '../../../gateway/src/verdicts/verdict-pdf';
import { certifiedPerson, type TestIdentity } from './certificates';

const statement: VerdictStatement = {
    kind: 'bank-receipt-check',
    receiptId: 'BankOrgMSP:R-1001',
    checkedAt: '2026-03-02T02:00:00.000Z',
    signedBy: { username: 'officer1', role: 'bank', party: 'BANK-0001' },
    result: { verdict: 'FAIL', checks: [{ id: 'BK-04', outcome: 'FAIL', reason: 'BK04_AMOUNT_EXCEEDS_REMAINING' }] },
    evidence: [{ txId: 'a'.repeat(64), blockNumber: '42', valid: true }],
};

describe('signed bank verdicts: a third party re-checks them with the certificate inside', () => {
    let ca: TestIdentity;
    let person: TestIdentity;
    let otherCa: TestIdentity;

    beforeAll(() => {
        ({ ca, person } = certifiedPerson('officer1'));
        ({ ca: otherCa } = certifiedPerson('someone'));
    });

    const signed = (): SignedVerdict => signVerdict(statement, { mspId: 'BankOrgMSP', ...person });

    it('accepts the verdict as signed, names the signer, and checks the certificate against the bank CA', () => {
        const check = verifyVerdict(JSON.parse(JSON.stringify(signed())), ca.certificate);
        expect(check).toMatchObject({ valid: true });
        expect(check.detail).toContain('CN=officer1');
    });

    it('refuses a verdict changed after signing (FAIL turned into PASS)', () => {
        const file = JSON.parse(JSON.stringify(signed())) as { statement: { result: { verdict: string } } };
        file.statement.result.verdict = 'PASS';
        expect(verifyVerdict(file)).toEqual({
            valid: false,
            detail: 'the signature does not match the statement: the file was changed or signed by someone else',
        });
    });

    it('refuses a certificate the given CA did not issue, and a document of another kind', () => {
        expect(verifyVerdict(signed(), otherCa.certificate)).toEqual({
            valid: false,
            detail: 'the certificate was not issued by the given CA',
        });
        expect(verifyVerdict({ verdict: 'PASS' }).valid).toBe(false);
    });

    it('carries the same signed JSON in the PDF, which verifies as the JSON does', () => {
        const pdf = verdictPdf({
            ...signed(),
            statement: { ...statement, signedBy: { ...statement.signedBy, username: '王经办' } },
        });
        expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
        const back = verdictFromPdf(pdf) as { statement: { signedBy: { username: string } } };
        expect(back.statement.signedBy.username).toBe('王经办');
        const good = verdictFromPdf(verdictPdf(signed()));
        expect(verifyVerdict(good, ca.certificate).valid).toBe(true);
    });

    it('`mpt verify-verdict` answers valid for the file and INVALID (exit code 1) for a tampered one', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'mpt-verdict-'));
        const lines: string[] = [];
        const keep = (line: string): void => {
            lines.push(line);
        };
        const io = { out: keep, err: keep };
        process.exitCode = undefined;
        try {
            const good = path.join(dir, 'good.json');
            const bad = path.join(dir, 'bad.json');
            const pdf = path.join(dir, 'good.pdf');
            const caFile = path.join(dir, 'ca.pem');
            writeFileSync(good, JSON.stringify(signed()));
            writeFileSync(
                bad,
                JSON.stringify(signed()).replace('BK04_AMOUNT_EXCEEDS_REMAINING', 'BK04_WITHIN_REMAINING'),
            );
            writeFileSync(pdf, verdictPdf(signed()));
            writeFileSync(caFile, ca.certificate);
            await program(io).parseAsync(['node', 'mpt', 'verify-verdict', good, '--ca', caFile]);
            await program(io).parseAsync(['node', 'mpt', 'verify-verdict', pdf]);
            expect(process.exitCode).toBeUndefined();
            await program(io).parseAsync(['node', 'mpt', 'verify-verdict', bad]);
            expect(process.exitCode).toBe(1);
            expect(lines[0]).toMatch(/^valid: signed by .*CN=officer1/);
            expect(lines[1]).toMatch(/^valid: /);
            expect(lines[2]).toMatch(/^INVALID: the signature does not match/);
        } finally {
            process.exitCode = undefined;
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
