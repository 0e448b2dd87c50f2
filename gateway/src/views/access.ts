import { permissionOf, ROLE_MSP, type Scope } from '../../../chaincode/src/lib/auth';
import { ROLES, type Role } from '../../../chaincode/src/vocabulary';
import { ListForbidden, scopeOf, type ListCaller, type WorkListName } from '../worklists';

/**
 * Who may read the market views, from the ledger's permission table (never a second one). The indicators count
 * every trade, declaration, party and exemption filing of a cluster, and link to those lists: a role needs ANY on
 * each. A risk score reads a party and the flags on it: a role needs GetParty and ListFlagsBySubject, with the
 * narrower of their scopes (a bank: OWN, the parties its receipts rely on, V34).
 */

/** The work lists an indicator answer counts and links to. */
export const INDICATOR_LISTS: readonly WorkListName[] = ['trades', 'declarations', 'parties', 'exemptions'];

/** The ledger reads a risk score stands on. */
export const RISK_SCORE_READS: readonly string[] = ['PartyContract.GetParty', 'RiskContract.ListFlagsBySubject'];

const indicatorScope = (role: Role): Scope | undefined =>
    INDICATOR_LISTS.every((list) => scopeOf(list, role) === 'ANY') ? 'ANY' : undefined;

const riskScoreScope = (role: Role): Scope | undefined => {
    const scopes = RISK_SCORE_READS.map((tx) => permissionOf(tx).roles[role]);
    if (scopes.includes(undefined)) return undefined;
    return scopes.includes('OWN') ? 'OWN' : 'ANY';
};

export const indicatorRoles = (): Role[] => ROLES.filter((role) => indicatorScope(role) !== undefined);
export const riskScoreRoles = (): Role[] => ROLES.filter((role) => riskScoreScope(role) !== undefined);

function callerRole(caller: ListCaller): Role {
    const role = ROLES.find((r) => r === caller.role);
    if (role === undefined) {
        throw new ListForbidden(`role ${caller.role} is not a ledger role`, `角色 ${caller.role} 不是账本角色`);
    }
    if (!ROLE_MSP[role].accepts(caller.mspId)) {
        throw new ListForbidden(
            `role ${role} is not accepted from ${caller.mspId}`,
            `${caller.mspId} 的身份不能担任角色 ${role}`,
        );
    }
    return role;
}

/** The caller may read the indicators, or {@link ListForbidden}. */
export function assertIndicatorReader(caller: ListCaller): void {
    const role = callerRole(caller);
    if (indicatorScope(role) === undefined) {
        throw new ListForbidden(`role ${role} may not read market indicators`, `角色 ${role} 无权查看市场指标`);
    }
}

/** The caller's scope for risk scores (OWN: only parties its receipts rely on), or {@link ListForbidden}. */
export function riskScoreReader(caller: ListCaller): Scope {
    const role = callerRole(caller);
    const scope = riskScoreScope(role);
    if (scope === undefined) {
        throw new ListForbidden(`role ${role} may not read risk scores`, `角色 ${role} 无权查看风险评分`);
    }
    if (scope === 'OWN' && (caller.party === null || caller.party === '')) {
        throw new ListForbidden(`role ${role} needs the mpt.party attribute`, `角色 ${role} 需要 mpt.party 属性`);
    }
    return scope;
}
