import { PARTY_ROLE_TYPE, ROLE_MSP, permissionTable } from './auth';
import { listTable } from './lists';
import { ROLES } from '../vocabulary';

/** docs/permissions.md, generated from the permission and list tables so they can never disagree (a unit test compares). */
export function permissionsMarkdown(): string {
    const header = `| transaction | access | ${ROLES.join(' | ')} | OWN means |`;
    const rule = `|---|---|${ROLES.map(() => '---').join('|')}|---|`;
    const rows = permissionTable().map(([tx, p]) => {
        const cells = ROLES.map((role) => p.roles[role] ?? '—');
        return `| ${tx} | ${p.access} | ${cells.join(' | ')} | ${p.own ?? ''} |`;
    });
    const listRows = listTable().map(([tx, list]) => {
        const bank = list.bankScans;
        const scans = `\`${list.scans}\`${bank === undefined ? '' : `; banks: \`${bank.scans}\``}`;
        const keyedBy = `${list.keyedBy.join(', ')}${bank === undefined ? '' : `; banks: ${bank.keyedBy.join(', ')}`}`;
        return `| ${tx} | ${scans} | ${keyedBy} | ${list.keeps} |`;
    });
    const roles = ROLES.map((role) => {
        const type = PARTY_ROLE_TYPE[role];
        return `| ${role} | ${ROLE_MSP[role].describe} | ${type === undefined ? 'no (institution role)' : `yes, ${type}`} |`;
    });
    return [
        '# Permission matrix',
        '',
        'Generated from `chaincode/src/lib/auth.ts` and `chaincode/src/lib/lists.ts` by `permissionsMarkdown()`;',
        '`tests/unit/chaincode/permissions-doc.test.ts` fails when this file and the code differ (regenerate:',
        '`UPDATE_DOCS=1 npx jest permissions-doc`, then prettier).',
        '',
        'Every caller is identified by its certificate: MSP ID + `mpt.role` + `mpt.party`. A role is accepted only',
        'from its MSP. Roles that act for a filed party need `mpt.party` naming an on-chain party of the right type;',
        'for writes that party must be ACTIVE, for reads it must not be REVOKED. `ANY` = every record, `OWN` = only',
        "records where the caller's party is the owner named in the last column, `—` = FORBIDDEN. A read of one",
        'record the caller may not see answers `NOT_FOUND`, word for word as if the record did not exist, so reads',
        'never tell which IDs exist. So do the writes that name a record its non-owners cannot read (amending or',
        'cancelling a trade, signing an agency agreement), listing the receipts of a trade, and the checks that',
        'name trades or a packing list (an exemption check shows another party’s trade as missing); other writes by',
        'a non-owner answer FORBIDDEN.',
        '',
        '| role | MSP | acts for a filed party |',
        '|---|---|---|',
        ...roles,
        '',
        header,
        rule,
        ...rows,
        '',
        '## List transactions',
        '',
        'Each list reads one partial-key range: the object type it scans, under the prefix built from its arguments.',
        'A bookmark is valid only for the list and the arguments that returned it: a non-empty bookmark that does not',
        'start with that prefix is refused with `INVALID` (HTTP 400), whoever the caller. Then every listed record a',
        'caller with `OWN` scope does not own (last column) is dropped, so a page may hold fewer items than `pageSize`.',
        '',
        '| transaction | scans | keyed by | OWN callers keep |',
        '|---|---|---|---|',
        ...listRows,
        '',
    ].join('\n');
}
