import { permissionOf, PARTY_ROLE_TYPE, ROLE_MSP, type Scope } from '../../../chaincode/src/lib/auth';
import { ROLES, type Role } from '../../../chaincode/src/vocabulary';

/**
 * Who may read which work list, and which rows: the ledger's own permission table (chaincode/src/lib/auth.ts), never
 * a second one. Each list mirrors the ledger list transactions that answer the same question; a role may use the list
 * when one of them lets it, with the widest scope they give it. An OWN scope keeps the rows whose owner columns name
 * the caller, as the chaincode's `own` rule for that transaction does.
 */

export type WorkListName = 'trades' | 'declarations' | 'receipts' | 'riskFlags' | 'exemptions' | 'parties' | 'goods';

/** The caller as the ledger sees it: MSP, role and party from its certificate. */
export interface ListCaller {
    readonly mspId: string;
    readonly role: string;
    readonly party: string | null;
}

/** Owner columns (all must match) a caller of an OWN-scoped role must appear in. */
type OwnColumns = (caller: ListCaller & { readonly party: string }) => readonly (readonly [string, string])[];

interface WorkListSpec {
    /** Ledger transactions whose permission rows decide who may read this list. */
    readonly mirrors: readonly string[];
    /** For each role the mirrored rows scope OWN: the owner columns, as the chaincode's `own` text says. */
    readonly own: Readonly<Partial<Record<Role, OwnColumns>>>;
}

const asParty =
    (column: string): OwnColumns =>
    (caller) => [[column, caller.party]];

export const WORK_LISTS: Readonly<Record<WorkListName, WorkListSpec>> = {
    // vendor = vendorId argument, agent = agentId argument
    trades: {
        mirrors: ['TradeContract.ListTradesByVendor', 'TradeContract.ListTradesByAgent'],
        own: { vendor: asParty('trades.vendor_id'), agent: asParty('trades.agent_id') },
    },
    // every declaration for the authorities; an agent its own (consignor), a broker those it files
    declarations: {
        mirrors: ['DeclarationContract.ListDeclarationsByDate', 'CustomsContract.GetCustomsEvents'],
        own: { agent: asParty('declarations.consignor_id'), broker: asParty('declarations.broker_id') },
    },
    // bank: only its own receipts (filing MSP and bank party); vendor/agent: receipts paid to them
    receipts: {
        mirrors: ['ReceiptContract.ListReceiptsByPayee'],
        own: {
            bank: (caller) => [
                ['receipts.bank_msp_id', caller.mspId],
                ['receipts.bank_party_id', caller.party],
            ],
            vendor: asParty('receipts.payee_party_id'),
            agent: asParty('receipts.payee_party_id'),
        },
    },
    riskFlags: { mirrors: ['RiskContract.ListFlagsBySubject'], own: {} },
    exemptions: {
        mirrors: ['ExemptionContract.ListExemptionsByMerchant'],
        own: { vendor: asParty('exemptions.merchant_id') },
    },
    parties: { mirrors: ['PartyContract.ListPartiesByType'], own: {} },
    // the registry a caller keeps: the operator all of it, a vendor the goods it owns (it reads others' one by one)
    goods: { mirrors: ['GoodsContract.RegisterGoods'], own: { vendor: asParty('goods.owner_id') } },
};

/**
 * The widest scope the mirrored transactions give `role`; undefined when none lets it read, or when the rows are OWN
 * but not decidable by owner columns (a bank's parties are those its receipts and financings rely on, V34: it reads
 * them one by one on the ledger).
 */
export function scopeOf(list: WorkListName, role: Role): Scope | undefined {
    const scopes = WORK_LISTS[list].mirrors.map((tx) => permissionOf(tx).roles[role]);
    if (scopes.includes('ANY')) return 'ANY';
    return scopes.includes('OWN') && WORK_LISTS[list].own[role] !== undefined ? 'OWN' : undefined;
}

/** Roles that may read a list (the OpenAPI `x-roles` of its route). */
export function rolesOf(list: WorkListName): Role[] {
    return ROLES.filter((role) => scopeOf(list, role) !== undefined);
}

/** Rows a caller may see: all, or those whose columns hold these values. */
export type RowScope =
    { readonly kind: 'all' } | { readonly kind: 'own'; readonly where: readonly (readonly [string, string])[] };

/** Why a caller may not read a list (a 403 for the caller, in English and Chinese). */
export class ListForbidden extends Error {
    constructor(
        readonly en: string,
        readonly zh: string,
    ) {
        super(`${en} / ${zh}`);
        this.name = 'ListForbidden';
    }
}

/**
 * The rows `caller` may read in `list`, or {@link ListForbidden}: the role must be a ledger role its MSP may carry
 * (as the chaincode checks), allowed by the mirrored rows, and an OWN-scoped role needs its party. Whether that party
 * is filed, of the role's type, of the caller's org and not revoked is checked against the read model by the caller
 * of this function ({@link partyRequirement}).
 */
export function rowScope(list: WorkListName, caller: ListCaller): RowScope {
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
    const scope = scopeOf(list, role);
    if (scope === undefined) {
        throw new ListForbidden(`role ${role} may not read the ${list} list`, `角色 ${role} 无权查看 ${list} 列表`);
    }
    if (scope === 'ANY') return { kind: 'all' };
    const own = WORK_LISTS[list].own[role];
    if (own === undefined) throw new Error(`work list ${list} has no owner columns for role ${role}`);
    if (caller.party === null || caller.party === '') {
        throw new ListForbidden(`role ${role} needs the mpt.party attribute`, `角色 ${role} 需要 mpt.party 属性`);
    }
    return { kind: 'own', where: own({ ...caller, party: caller.party }) };
}

/** What the caller's own party must be for it to read at all (the chaincode's party check on reads). */
export function partyRequirement(caller: ListCaller): { partyId: string; type: string } | undefined {
    const role = ROLES.find((r) => r === caller.role);
    const type = role === undefined ? undefined : PARTY_ROLE_TYPE[role];
    if (type === undefined || caller.party === null) return undefined;
    return { partyId: caller.party, type };
}
