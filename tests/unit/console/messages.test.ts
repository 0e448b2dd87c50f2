import { describe, expect, it } from '@jest/globals';
import { BANK_CHECK_REASONS, ROLES, TRADE_STATUSES } from '../../../chaincode/src/vocabulary';
import { CATALOGUES } from '../../../gateway/src/console/messages';

/** Catalogue keys under `prefix`, without it. */
const keysUnder = (prefix: string): string[] =>
    Object.keys(CATALOGUES.en)
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length))
        .sort();

describe('console message catalogues', () => {
    it.each([
        ['bk.', Object.keys(BANK_CHECK_REASONS)],
        ['status.', [...TRADE_STATUSES]],
        ['role.', [...ROLES, 'admin']],
    ])('have a sentence for exactly every ledger code under %s', (prefix, codes) => {
        expect(keysUnder(prefix)).toEqual([...codes].sort());
    });

    it('have the same keys, each with text, in Chinese and English', () => {
        expect(Object.keys(CATALOGUES.zh).sort()).toEqual(Object.keys(CATALOGUES.en).sort());
        const empty = Object.entries(CATALOGUES.zh).filter(([, text]) => text.trim() === '');
        expect(empty).toEqual([]);
    });
});
