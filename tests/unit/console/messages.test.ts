import { describe, expect, it } from '@jest/globals';
import {
    BANK_CHECK_REASONS,
    FLAG_RULES,
    FRAUD_PATTERNS,
    ROLES,
    TRADE_STATUSES,
} from '../../../chaincode/src/vocabulary';
import { LANGUAGES, Translator } from '../../../gateway/src/console/i18n';
import { CATALOGUES } from '../../../gateway/src/console/messages';
import { flagRuleSentence } from '../../../gateway/src/console/views/flag-rules';

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
        ['fraud.', [...FRAUD_PATTERNS]],
    ])('have a sentence for exactly every ledger code under %s', (prefix, codes) => {
        expect(keysUnder(prefix)).toEqual([...codes].sort());
    });

    it.each(LANGUAGES)('explain every rule a risk flag may name (%s), each in a sentence of its own', (language) => {
        const t = new Translator(language);
        const sentences = FLAG_RULES.map((ruleId) => flagRuleSentence(t, ruleId));

        expect(FLAG_RULES).toEqual(expect.arrayContaining(['F1', 'F11', 'V01', 'V34']));
        expect(FLAG_RULES.filter((_, i) => sentences[i] === t.t('rule.other'))).toEqual([]);
        expect(new Set(sentences).size).toBe(FLAG_RULES.length);
    });

    it('have the same keys, each with text, in Chinese and English', () => {
        expect(Object.keys(CATALOGUES.zh).sort()).toEqual(Object.keys(CATALOGUES.en).sort());
        const empty = Object.entries(CATALOGUES.zh).filter(([, text]) => text.trim() === '');
        expect(empty).toEqual([]);
    });
});
