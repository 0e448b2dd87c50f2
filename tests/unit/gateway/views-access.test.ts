import { describe, expect, it } from '@jest/globals';
import { permissionOf } from '../../../chaincode/src/lib/auth';
import { PAGES } from '../../../gateway/src/console/access';
import { INDICATOR_LISTS, indicatorRoles, RISK_SCORE_READS, riskScoreRoles } from '../../../gateway/src/views';
import { WORK_LISTS } from '../../../gateway/src/worklists';

/** Who may read the market views comes from the ledger's permission table, and the console page follows it. */
describe('market views follow the permission table', () => {
    it('the indicators are for the roles that may list every trade, declaration, party and exemption filing', () => {
        const mirrored = INDICATOR_LISTS.flatMap((list) => WORK_LISTS[list].mirrors);

        expect(indicatorRoles()).toEqual(['operator', 'customs', 'auditor']);
        for (const role of indicatorRoles()) {
            expect(mirrored.filter((tx) => permissionOf(tx).roles[role] !== 'ANY')).toEqual([]);
        }
        // the console's dashboard calls exactly those lists
        expect([...(PAGES.market.calls.operator ?? [])].sort()).toEqual([...mirrored].sort());
    });

    it('a risk score is for roles that may read the party and its flags: a bank too, scoped to its own (V34)', () => {
        expect(riskScoreRoles()).toEqual(['operator', 'customs', 'bank', 'auditor']);
        expect(RISK_SCORE_READS.map((tx) => permissionOf(tx).roles.bank)).toEqual(['OWN', 'ANY']);
        expect(RISK_SCORE_READS.map((tx) => permissionOf(tx).roles.vendor)).toEqual(['ANY', undefined]);
    });
});
