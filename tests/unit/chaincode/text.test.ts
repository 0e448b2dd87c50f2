import { beforeAll, describe, expect, it } from '@jest/globals';
import { HUMAN_TEXT, jsonTextProblem } from '../../../chaincode/src/lib/text';
import * as id from './support/identities';
import { World } from './support/world';

/** One of each kind of character the text rule refuses. */
const REFUSED = [
    '<',
    '>',
    '\u0000',
    '\u001b',
    '\u007f',
    '\u0085',
    '\u009f',
    '\u200b',
    '\u200d',
    '\u200e',
    '\u200f',
    '\u00ad',
    '\u061c',
    '\u2064',
    '\u{e0001}',
    '\u{e007f}',
    '\u2028',
    '\u2029',
    '\u202a',
    '\u202e',
    '\u2060',
    '\u2066',
    '\u2069',
    '\ufeff',
    '\ud800',
    '\udfff',
];
const j = JSON.stringify;

describe('the text rule', () => {
    it('refuses each kind of character it names, anywhere in the text', () => {
        const accepted = REFUSED.filter((c) => HUMAN_TEXT.test(`ok ${c} ok`));
        expect(accepted).toEqual([]);
    });

    it('takes any language, punctuation, emoji and characters right next to the refused ranges', () => {
        for (const text of [
            '义乌小商品城',
            'Ōsaka & Co., Ltd. (100%)',
            'ça — «ok»',
            '😀',
            '\u00a0',
            '\u00ae',
            '\u2010',
            '\u2030',
            '\u2070',
            '\u{e0080}',
        ]) {
            expect(HUMAN_TEXT.test(text)).toBe(true);
        }
    });

    it('finds a refused string, a refused key or nesting too deep in free-form JSON, without recursion', () => {
        let deep: unknown = 1;
        for (let i = 0; i < 100_000; i++) deep = [deep];

        expect(jsonTextProblem({ a: [{ b: 'x\u202ey' }] }, 'evidence')).toMatch(/^evidence\.a\.0\.b must not/);
        expect(jsonTextProblem({ 'k\u0000': 1 }, 'evidence')).toMatch(/^evidence has a key that must not/);
        expect(jsonTextProblem({ deep }, 'evidence')).toMatch(/nested deeper than 32 levels$/);
        expect(jsonTextProblem({ a: ['fine', 1, null, true, { b: '义乌' }] }, 'evidence')).toBeUndefined();
    });
});

describe('the chaincode enforces the text rule itself', () => {
    let w: World;
    beforeAll(async () => {
        w = await World.market();
    }, 60_000);

    it('on a single trade, on every bulk row and on a party name', async () => {
        const remark = 'invoice \u202eFDP.exe';
        const single = w.submit(id.vendor('V1'), (ctx) =>
            w.trade.RegisterTrade(ctx, j(w.tradeInput('TX-1', [{ goods: 'G1', qty: 1, unitPrice: 500 }], { remark }))),
        );
        await expect(single).rejects.toThrow(/^INVALID: trade\.remark must not contain/);

        const rows = [
            w.tradeInput('TX-2', [{ goods: 'G1', qty: 1, unitPrice: 500 }], { remark: '<script>x</script>' }),
            w.tradeInput('TX-3', [{ goods: 'G1', qty: 1, unitPrice: 500 }], { remark: 'esc \u001b[31m' }),
            w.tradeInput('TX-4', [{ goods: 'G1', qty: 1, unitPrice: 500 }], { remark: 'fine' }),
        ];
        const bulk = await w.json<{ results: { ok: boolean; code?: string }[] }>(id.vendor('V1'), (ctx) =>
            w.trade.RegisterTrades(ctx, j(rows)),
        );
        expect(bulk.results.map((r) => r.code ?? 'ok')).toEqual(['INVALID', 'INVALID', 'ok']);

        const party = w.submit(id.operator(), (ctx) =>
            w.party.RegisterParty(
                ctx,
                j({ partyId: 'P-X', type: 'PRODUCER', legalName: 'A\u200bB', countryCode: 'CN' }),
            ),
        );
        await expect(party).rejects.toThrow(/^INVALID: party\.legalName must not contain/);
    });

    it('on risk-flag evidence, its keys and its depth', async () => {
        const flag = (evidenceJson: string): Promise<string> =>
            w.submit(id.operator(), (ctx) =>
                w.risk.RaiseFlag(
                    ctx,
                    `{"subjectType":"party","subjectId":"V1","ruleId":"F6","severity":"LOW","evidence":${evidenceJson}}`,
                ),
            );
        // written out by hand: JSON.stringify itself would overflow the stack on it
        const deep = `{"d":${'{"d":'.repeat(5000)}"x"${'}'.repeat(5000)}}`;

        await expect(flag(j({ note: ['<img src=x>'] }))).rejects.toThrow(/^INVALID: flag\.evidence\.note\.0 must not/);
        await expect(flag(j({ 'a\u0000': 1 }))).rejects.toThrow(/^INVALID: flag\.evidence has a key that must not/);
        await expect(flag(deep)).rejects.toThrow(/^INVALID: .* is nested deeper than 32 levels$/);
    });
});
