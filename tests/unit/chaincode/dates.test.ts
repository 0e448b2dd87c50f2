import { beforeEach, describe, expect, it } from '@jest/globals';
import * as id from './support/identities';
import { DECL1, TODAY, World } from './support/world';
import { without } from '../../../chaincode/src/lib/objects';

const j = JSON.stringify;
const LINES = [{ goods: 'G1', qty: 10, unitPrice: 500 }];
/** 02:30 on 26 March 2024 in Beijing: still the 25th in UTC. */
const BEIJING_AFTER_MIDNIGHT = '2024-03-25T18:30:00.000Z';

interface Decl {
    status: string;
    releaseDate?: string;
    exitDate?: string;
}

describe('V32: dates are facts of the transaction, on China business days', () => {
    let w: World;

    beforeEach(async () => {
        w = await World.market();
    });

    /** T1 registered, consolidated and packed in PK-0001, ready to declare. */
    async function packed(lines = LINES): Promise<void> {
        await w.registerTrade('T1', lines);
        await w.consolidate('O-0001', ['T1']);
        await w.pack('PK-0001', ['O-0001']);
    }

    const file = (overrides: Record<string, unknown>): Promise<Record<string, unknown>> =>
        w.fileDeclaration(DECL1, 'PK-0001', ['T1'], overrides);

    it('takes "today" from Beijing time: at 02:30 on the 26th there, a trade dated the 26th is accepted, the 27th refused', async () => {
        w.ledger.setTime(BEIJING_AFTER_MIDNIGHT);
        await expect(w.registerTrade('T26', LINES, { tradeDate: '2024-03-26' })).resolves.toMatchObject({
            status: 'CONFIRMED',
        });
        await expect(w.registerTrade('T27', LINES, { tradeDate: '2024-03-27' })).rejects.toThrow(
            'RULE_V32: trade T27: tradeDate 2024-03-27 is after today 2024-03-26 (China time)',
        );
    });

    it('dates a declaration sent without a date on the China business day of its filing', async () => {
        await packed();
        w.ledger.setTime(BEIJING_AFTER_MIDNIGHT);
        const filed = await w.fileDeclaration(DECL1, 'PK-0001', ['T1'], { declDate: undefined });
        expect(filed).toMatchObject({ declDate: '2024-03-26' });
    });

    it('refuses a back-dated or future-dated declaration and accepts one dated the day before its filing', async () => {
        await packed();
        await expect(file({ declDate: '2024-03-23' })).rejects.toThrow(
            'RULE_V32: declDate 2024-03-23 is before the filing day (2024-03-24 at the earliest, China time)',
        );
        await expect(file({ declDate: '2024-03-26' })).rejects.toThrow(
            'RULE_V32: declDate 2024-03-26 is after today 2024-03-25 (China time)',
        );
        await expect(file({ declDate: '2024-03-24' })).resolves.toMatchObject({ declDate: '2024-03-24' });
    });

    it('shows the back-dating in the preview violations, so a declarant sees it before filing', async () => {
        await packed();
        const input = without(w.declarationInput(DECL1, 'PK-0001', ['T1'], { declDate: '2024-03-01' }), 'declNo');
        const preview = await w.query<{ violations: { code: string }[] }>(id.broker('K1'), (ctx) =>
            w.declaration.PreviewDeclaration(ctx, j(input)),
        );
        expect(preview.violations.map((v) => v.code)).toEqual(['RULE_V32']);
    });

    it('checks a declaration dated the day before its filing against the negative list in force on the filing day (V05)', async () => {
        await packed([{ goods: 'MASK', qty: 10, unitPrice: 100 }]);
        await w.submit(id.operator(), (ctx) =>
            w.goods.PublishNegativeList(
                ctx,
                j({ version: 1, validFrom: TODAY, entries: [{ hsPrefix: '630790', reason: 'masks' }] }),
            ),
        );
        await expect(file({ declDate: '2024-03-24' })).rejects.toThrow(
            'RULE_V05: T1/L1 (HS 6307900010) is on negative list v1',
        );
    });

    it('keeps customs events in order: an exit dated before the release is refused, one in the future too', async () => {
        await w.declared(DECL1, { T1: LINES });
        const c = id.customs();
        await w.submit(c, (ctx) => w.customs.AcceptDeclaration(ctx, DECL1));
        const released = await w.json<Decl>(c, (ctx) => w.customs.ReleaseDeclaration(ctx, DECL1));
        expect(released.releaseDate).toBe(TODAY);
        await expect(w.submit(c, (ctx) => w.customs.ConfirmExit(ctx, DECL1, '2024-03-24'))).rejects.toThrow(
            'RULE_V32: EXITED on 2024-03-24 is before the previous event on the declaration (2024-03-25)',
        );
        await expect(w.submit(c, (ctx) => w.customs.ConfirmExit(ctx, DECL1, '2024-03-26'))).rejects.toThrow(
            'RULE_V32: exitDate 2024-03-26 is after today 2024-03-25 (China time)',
        );
        const exited = await w.json<Decl>(c, (ctx) => w.customs.ConfirmExit(ctx, DECL1, TODAY));
        expect(exited).toMatchObject({ status: 'EXITED', releaseDate: TODAY, exitDate: TODAY });
    });

    it('authorises before judging the date: a broker confirming an exit dated in the future is FORBIDDEN', async () => {
        await w.declared(DECL1, { T1: LINES });
        await expect(
            w.submit(id.broker('K1'), (ctx) => w.customs.ConfirmExit(ctx, DECL1, '2030-01-01')),
        ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('refuses a customs event whose proposal is dated before the filing (acceptance ≥ filing)', async () => {
        await w.declared(DECL1, { T1: LINES });
        await expect(
            w.submit(id.customs(), (ctx) => w.customs.AcceptDeclaration(ctx, DECL1), {
                timestamp: new Date('2024-03-20T02:00:00.000Z'),
            }),
        ).rejects.toThrow(
            'RULE_V32: ACCEPTED on 2024-03-20 is before the previous event on the declaration (2024-03-25)',
        );
    });

    it('releases on the China business day: after midnight in Beijing the release date is the next day', async () => {
        await w.declared(DECL1, { T1: LINES });
        const c = id.customs();
        await w.submit(c, (ctx) => w.customs.AcceptDeclaration(ctx, DECL1));
        w.ledger.setTime(BEIJING_AFTER_MIDNIGHT);
        const released = await w.json<Decl>(c, (ctx) => w.customs.ReleaseDeclaration(ctx, DECL1));
        expect(released.releaseDate).toBe('2024-03-26');
    });
});

describe('V02: declared at the customs office of the cluster where the goods were bought', () => {
    it('refuses a Yiwu packing list declared at another customs office, accepts it at Yiwu customs', async () => {
        const w = await World.market();
        await w.registerTrade('T1', LINES);
        await w.consolidate('O-0001', ['T1']);
        await w.pack('PK-0001', ['O-0001']);
        await expect(w.fileDeclaration(DECL1, 'PK-0001', ['T1'], { customsOffice: '5100' })).rejects.toThrow(
            'RULE_V02: goods bought in cluster YIWU are declared at its customs office 2920, not 5100',
        );
        await expect(w.fileDeclaration(DECL1, 'PK-0001', ['T1'])).resolves.toMatchObject({ customsOffice: '2920' });
    });
});
