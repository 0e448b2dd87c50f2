import { describe, expect, it } from '@jest/globals';
import { Translator } from '../../../gateway/src/console/i18n';
import { riskFlagsView, type RiskFlagPage } from '../../../gateway/src/console/views/customs';
import { checkResult } from '../../../gateway/src/console/views/receipt-check';

const TX = 'a'.repeat(64);

const flag = (flagId: string, ruleId: string, subjectId: string): RiskFlagPage['items'][number] => ({
    flagId,
    subjectType: 'trade',
    subjectId,
    ruleId,
    severity: 'HIGH',
    status: 'OPEN',
    raisedByMsp: 'CustomsOrgMSP',
    raisedAt: '2026-03-01T08:00:00.000Z',
    resolvedAt: null,
    txId: TX,
    blockNumber: '7',
});

/** The text of the table row whose header cell is `flagId`. */
const rowOf = (page: string, flagId: string): string => {
    const row = new RegExp(`<tr>\\s*<th scope="row">${flagId}</th>([\\s\\S]*?)</tr>`).exec(page)?.[1];
    if (row === undefined) throw new Error(`no row ${flagId}`);
    return row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
};

describe('console: a risk flag’s rule in a sentence', () => {
    const page: RiskFlagPage = {
        items: [flag('f-price', 'F3', 'T-1'), flag('f-list', 'V05', 'T-2')],
        nextCursor: null,
        readModel: { org: 'CustomsOrg', state: 'following', lastBlock: 8, peerHeight: 9, lagBlocks: 0, current: true },
    };

    it('names the fraud pattern or domain rule of each open flag, in English and in Chinese', () => {
        const en = riskFlagsView(new Translator('en'), page, undefined).toString();
        const zh = riskFlagsView(new Translator('zh'), page, undefined).toString();

        expect(rowOf(en, 'f-price')).toContain(
            'F3 Over- or under-invoicing: a unit price far outside the goods’ registered range',
        );
        expect(rowOf(zh, 'f-price')).toContain('F3 高报低报：单价远超出该商品备案的价格区间');
        expect(rowOf(en, 'f-list')).toContain('V05 the goods are on the negative list in force on that date');
        expect(rowOf(zh, 'f-list')).toContain('V05 商品在当日有效的负面清单上');
    });

    it('explains the flags a bank check refers to (BK-09) with the same sentence', () => {
        const verdict = checkResult(
            new Translator('en'),
            {
                receiptId: 'BankOrgMSP:R-1',
                verdict: 'REFER',
                checks: [
                    {
                        id: 'BK-09',
                        name: 'risk flags',
                        outcome: 'REFER',
                        reason: 'BK09_OPEN_FLAGS',
                        findings: [
                            {
                                subject: 'T-1',
                                outcome: 'REFER',
                                reason: 'BK09_OPEN_FLAGS',
                                detail: { flagId: 'f-price', ruleId: 'F2', severity: 'HIGH' },
                            },
                        ],
                    },
                ],
                trades: [],
                records: [],
            } as never,
            [],
        ).toString();

        expect(verdict).toContain('One trade used for several receipts or financings beyond its value');
    });
});
