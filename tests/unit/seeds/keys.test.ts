import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onboardedKeyRing, parseKeyPairs, parseKeyText, readKeyFile, writeKeyFile } from '../../../seeds/src/keys';

const KEY = (c: string): string => `mpt_${c.repeat(16)}_${c.repeat(43)}`;

describe('API keys for the loader', () => {
    it('reads the table gateway:bootstrap prints, skipping admins without a party', () => {
        const text = [
            'API keys (shown once; the gateway keeps only their hashes in .fabric/gateway):',
            `MarketOrg   operator1  operator  OP-YIWU       ${KEY('a')}`,
            `MarketOrg   registrar  admin     -             ${KEY('b')}`,
            `BankOrg     officer1   bank      BANK-0001     ${KEY('c')}`,
            'CustomsOrg  officer1   customs   CUSTOMS-YIWU  (has key 0123456789abcdef; --rotate for a new one)',
        ].join('\n');
        expect(Object.fromEntries(parseKeyText(text))).toEqual({ 'OP-YIWU': KEY('a'), 'BANK-0001': KEY('c') });
    });

    it('reads JSON maps and PARTY=KEY pairs, and refuses a pair without a party', () => {
        expect(Object.fromEntries(parseKeyText(JSON.stringify({ 'V-0001': KEY('d') })))).toEqual({
            'V-0001': KEY('d'),
        });
        expect(Object.fromEntries(parseKeyPairs([`V-0001=${KEY('e')},A-0001=${KEY('f')}`, '']))).toEqual({
            'V-0001': KEY('e'),
            'A-0001': KEY('f'),
        });
        expect(() => parseKeyPairs([KEY('g')])).toThrow(/PARTY=KEY/);
    });

    it('keeps onboarded keys in a file only its owner can read', () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'seed-keys-'));
        try {
            const file = path.join(dir, 'state', 'keys.json');
            writeKeyFile(file, new Map([['C-0001', KEY('h')]]));
            expect(statSync(file).mode & 0o777).toBe(0o600);
            expect(Object.fromEntries(readKeyFile(file))).toEqual({ 'C-0001': KEY('h') });
            expect(readKeyFile(path.join(dir, 'missing.json')).size).toBe(0);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it('writes only keys onboarding issued, never the keys it was given, and drops stale copies of those', () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'seed-keys-'));
        try {
            const file = path.join(dir, 'keys.json');
            // an older run kept the operator's bootstrap key next to an onboarded vendor's
            writeKeyFile(
                file,
                new Map([
                    ['OP-YIWU', KEY('a')],
                    ['V-0002', KEY('b')],
                ]),
            );

            const ring = onboardedKeyRing(file, new Map([['OP-YIWU', KEY('c')]]));
            expect(Object.fromEntries(readKeyFile(file))).toEqual({ 'V-0002': KEY('b') });
            expect(Object.fromEntries(ring.keys)).toEqual({ 'OP-YIWU': KEY('c'), 'V-0002': KEY('b') });

            ring.save('V-0003', KEY('d'));
            expect(Object.fromEntries(readKeyFile(file))).toEqual({ 'V-0002': KEY('b'), 'V-0003': KEY('d') });
            expect(statSync(file).mode & 0o777).toBe(0o600);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
