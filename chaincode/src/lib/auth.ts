import type { Context } from 'fabric-contract-api';
import { forbidden, notFound } from './errors';
import { callerOf, txTime, type Caller } from './identity';
import {
    ROLES,
    type PartyType,
    type Role,
    type TransactionName,
    RecordType,
    MARKET_MSP,
    CUSTOMS_MSP,
} from '../vocabulary';
import { recordKey } from '../model/keys';
import { type Party, type Signature } from '../model/records';
import { getRecord } from '../store/records';

/**
 * Authorisation: MSP + `mpt.role` + `mpt.party` from the caller's certificate, plus the party's on-chain
 * status. Never from arguments. The permission matrix below is the single source for the code, the docs
 * (docs/permissions.md is generated from it) and the tests (every cell is exercised).
 */
/** Which MSP may carry each role: any org's CA could issue the attribute, so the MSP is always checked too. */
export const ROLE_MSP: Readonly<
    Record<Role, { readonly describe: string; readonly accepts: (mspId: string) => boolean }>
> = {
    operator: { describe: MARKET_MSP, accepts: (msp) => msp === MARKET_MSP },
    vendor: { describe: MARKET_MSP, accepts: (msp) => msp === MARKET_MSP },
    agent: { describe: MARKET_MSP, accepts: (msp) => msp === MARKET_MSP },
    consolidator: { describe: MARKET_MSP, accepts: (msp) => msp === MARKET_MSP },
    broker: { describe: MARKET_MSP, accepts: (msp) => msp === MARKET_MSP },
    customs: { describe: CUSTOMS_MSP, accepts: (msp) => msp === CUSTOMS_MSP },
    bank: { describe: 'Bank*MSP', accepts: (msp) => /^Bank[A-Za-z0-9]*MSP$/.test(msp) },
    // Auditors (customs/tax authorities) read everything, so only CustomsOrg may mint them: from any MSP, any org
    // admin (a bank's, say) could issue an identity that reads every other org's facts.
    auditor: { describe: CUSTOMS_MSP, accepts: (msp) => msp === CUSTOMS_MSP },
};

/** Roles that act for a filed party: the certificate's `mpt.party` must name an on-chain party of this type. */
export const PARTY_ROLE_TYPE: Readonly<Partial<Record<Role, PartyType>>> = {
    vendor: 'MERCHANT',
    agent: 'AGENT',
    consolidator: 'CONSOLIDATOR',
    broker: 'BROKER',
    bank: 'BANK',
};

/** ANY: every record; OWN: only records where the caller's party is the owner the transaction names. */
export type Scope = 'ANY' | 'OWN';
export type Access = 'write' | 'read';

export interface Permission {
    readonly access: Access;
    readonly roles: Readonly<Partial<Record<Role, Scope>>>;
    /** What OWN means for this transaction (docs). */
    readonly own?: string;
}

const AUTHORITIES_READ = { operator: 'ANY', customs: 'ANY', auditor: 'ANY' } as const;
const EVERY_ROLE = {
    ...AUTHORITIES_READ,
    vendor: 'ANY',
    agent: 'ANY',
    consolidator: 'ANY',
    broker: 'ANY',
    bank: 'ANY',
} as const;
const CUSTOMS_WRITE: Permission = { access: 'write', roles: { customs: 'ANY' } };
const OPERATOR_WRITE: Permission = { access: 'write', roles: { operator: 'ANY' } };

const BANK_OWN = 'bank = the filing bank (caller MSP and mpt.party match the receipt)';
const FINANCING_OWN = 'bank = the financing bank (caller MSP and mpt.party match the financing)';
/** V34: what a bank may read of the market's records. */
const BANK_RELIES = 'bank: its own receipts or financings rely on the trade (V34)';

const PERMISSIONS: Readonly<Record<TransactionName, Permission>> = {
    'PartyContract.RegisterCluster': OPERATOR_WRITE,
    'PartyContract.GetCluster': { access: 'read', roles: EVERY_ROLE },
    'PartyContract.RegisterParty': OPERATOR_WRITE,
    'PartyContract.VerifyParty': OPERATOR_WRITE,
    'PartyContract.ActivateParty': OPERATOR_WRITE,
    'PartyContract.SuspendParty': OPERATOR_WRITE,
    'PartyContract.ReinstateParty': OPERATOR_WRITE,
    'PartyContract.RevokeParty': OPERATOR_WRITE,
    'PartyContract.GetParty': {
        access: 'read',
        roles: { ...EVERY_ROLE, bank: 'OWN' },
        own: 'bank: itself, or a payee, borrower, vendor, agent or buyer its receipts or financings rely on (V34)',
    },
    'PartyContract.GetPartyPrivate': { access: 'read', roles: { operator: 'ANY', customs: 'ANY' } },
    'PartyContract.ListPartiesByType': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN' },
        own: 'bank: only the parties GetParty lets it read (V34)',
    },
    'PartyContract.FileAgencyAgreement': {
        access: 'write',
        roles: { operator: 'ANY', agent: 'OWN' },
        own: 'agent = agreement.agentId',
    },
    'PartyContract.SignAgencyAgreement': {
        access: 'write',
        roles: { vendor: 'OWN' },
        own: 'vendor = agreement.merchantId',
    },
    'PartyContract.GetAgencyAgreement': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = merchantId, agent = agentId',
    },
    'PartyContract.AmendCluster': OPERATOR_WRITE,
    'PartyContract.AmendAgencyAgreement': {
        access: 'write',
        roles: { vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = merchantId, agent = agentId',
    },
    'PartyContract.TerminateAgencyAgreement': {
        access: 'write',
        roles: { operator: 'ANY', vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = merchantId, agent = agentId',
    },
    // Anchoring a document hash states only "the caller had this document": every ledger role may, in its own name.
    'DocumentContract.RegisterDocument': { access: 'write', roles: EVERY_ROLE },
    'DocumentContract.GetDocument': { access: 'read', roles: EVERY_ROLE },
    'DocumentContract.GetDocumentHistory': { access: 'read', roles: EVERY_ROLE },
    'GoodsContract.RegisterGoods': {
        access: 'write',
        roles: { operator: 'ANY', vendor: 'OWN' },
        own: 'vendor = goods.ownerId',
    },
    'GoodsContract.GetGoods': { access: 'read', roles: EVERY_ROLE },
    'GoodsContract.AmendGoods': {
        access: 'write',
        roles: { operator: 'ANY', vendor: 'OWN' },
        own: 'vendor = goods.ownerId',
    },
    'GoodsContract.VoidGoods': {
        access: 'write',
        roles: { operator: 'ANY', vendor: 'OWN' },
        own: 'vendor = goods.ownerId',
    },
    'GoodsContract.PublishNegativeList': { access: 'write', roles: { operator: 'ANY', customs: 'ANY' } },
    'GoodsContract.GetNegativeList': { access: 'read', roles: EVERY_ROLE },
    // V11: the qualified supplier list is the market operator's (管委会) to keep, cluster by cluster
    'GoodsContract.PublishQualifiedSuppliers': OPERATOR_WRITE,
    'GoodsContract.GetQualifiedSuppliers': { access: 'read', roles: EVERY_ROLE },
    // V31: customs' rates; whoever declares (agent, broker) or checks (authorities, banks) reads them
    'RatesContract.PublishRates': CUSTOMS_WRITE,
    'RatesContract.GetRates': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, agent: 'ANY', broker: 'ANY', bank: 'ANY' },
    },
    'TradeContract.RegisterTrade': {
        access: 'write',
        roles: { vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = trade.vendorId, agent = trade.agentId',
    },
    'TradeContract.RegisterTrades': {
        access: 'write',
        roles: { vendor: 'OWN', agent: 'OWN' },
        own: 'per row: vendor = vendorId, agent = agentId',
    },
    'TradeContract.AmendTrade': {
        access: 'write',
        roles: { vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = trade.vendorId, agent = trade.agentId',
    },
    'TradeContract.CancelTrade': {
        access: 'write',
        roles: { operator: 'ANY', vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = trade.vendorId, agent = trade.agentId',
    },
    'TradeContract.ResolveTradeFlag': OPERATOR_WRITE,
    'TradeContract.GetTrade': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN', vendor: 'OWN', agent: 'OWN' },
        own: `vendor = trade.vendorId, agent = trade.agentId; ${BANK_RELIES}`,
    },
    'TradeContract.GetTradeHistory': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = trade.vendorId, agent = trade.agentId',
    },
    'TradeContract.ListTradesByVendor': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN' },
        own: 'vendor = vendorId argument',
    },
    'TradeContract.ListTradesByAgent': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, agent: 'OWN' },
        own: 'agent = agentId argument',
    },
    'ConsolidationContract.CreateConsolidationOrder': {
        access: 'write',
        roles: { consolidator: 'OWN' },
        own: 'consolidator = order.consolidatorId',
    },
    'ConsolidationContract.RecordPackingList': {
        access: 'write',
        roles: { consolidator: 'OWN' },
        own: 'consolidator = packing.consolidatorId and of every order',
    },
    'ConsolidationContract.GetConsolidationOrder': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, consolidator: 'OWN', agent: 'OWN' },
        own: 'consolidator = consolidatorId, agent = agentId',
    },
    'ConsolidationContract.GetPackingList': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, consolidator: 'OWN', agent: 'OWN', broker: 'OWN' },
        own: 'consolidator = consolidatorId, agent = agentId, broker = brokerId',
    },
    'ConsolidationContract.AmendConsolidationOrder': {
        access: 'write',
        roles: { consolidator: 'OWN' },
        own: 'consolidator = order.consolidatorId',
    },
    'ConsolidationContract.VoidConsolidationOrder': {
        access: 'write',
        roles: { consolidator: 'OWN' },
        own: 'consolidator = order.consolidatorId',
    },
    'ConsolidationContract.AmendPackingList': {
        access: 'write',
        roles: { consolidator: 'OWN' },
        own: 'consolidator = packing.consolidatorId',
    },
    'ConsolidationContract.VoidPackingList': {
        access: 'write',
        roles: { consolidator: 'OWN' },
        own: 'consolidator = packing.consolidatorId',
    },
    'DeclarationContract.PreviewDeclaration': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, agent: 'OWN', broker: 'OWN' },
        own: 'agent = consignorId, broker = brokerId',
    },
    'DeclarationContract.FileDeclaration': {
        access: 'write',
        roles: { agent: 'OWN', broker: 'OWN' },
        own: 'agent = consignorId, broker = brokerId',
    },
    'DeclarationContract.GetDeclaration': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN', agent: 'OWN', broker: 'OWN' },
        own: 'agent = consignorId, broker = brokerId; bank: its own receipts or financings rely on one of its trades (V34)',
    },
    'DeclarationContract.ListDeclarationsByDate': { access: 'read', roles: AUTHORITIES_READ },
    'CustomsContract.AcceptDeclaration': CUSTOMS_WRITE,
    'CustomsContract.OrderInspection': CUSTOMS_WRITE,
    'CustomsContract.RecordInspectionResult': CUSTOMS_WRITE,
    'CustomsContract.ReleaseDeclaration': CUSTOMS_WRITE,
    'CustomsContract.ConfirmExit': CUSTOMS_WRITE,
    'CustomsContract.ReturnDeclaration': CUSTOMS_WRITE,
    'CustomsContract.AmendDeclaration': CUSTOMS_WRITE,
    'CustomsContract.WithdrawDeclaration': CUSTOMS_WRITE,
    'CustomsContract.HoldDeclaration': CUSTOMS_WRITE,
    'CustomsContract.LiftHold': CUSTOMS_WRITE,
    'CustomsContract.GetCustomsEvents': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, agent: 'OWN', broker: 'OWN' },
        own: 'agent = consignorId, broker = brokerId',
    },
    'CustomsContract.CheckDeclaration': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, agent: 'OWN', broker: 'OWN' },
        own: 'agent = consignorId, broker = brokerId',
    },
    'CustomsContract.TraceDeclarationLine': { access: 'read', roles: AUTHORITIES_READ },
    'CustomsContract.RecordCustomsCheck': CUSTOMS_WRITE,
    'CustomsContract.GetCustomsCheck': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, agent: 'OWN', broker: 'OWN' },
        own: 'agent = consignorId, broker = brokerId',
    },
    'ReconciliationContract.ReconcileDeclaration': { access: 'read', roles: AUTHORITIES_READ },
    'ReconciliationContract.ReconcileTrade': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'ANY' },
        own: 'bank: its own allocations in full, other banks’ as a count and a total',
    },
    'HistoryContract.GetHistory': { access: 'read', roles: AUTHORITIES_READ },
    // an org's registrar (`admin`, no ledger role) may record onboardings too: see authorizeOnboarder
    'IdentityContract.RecordOnboarding': {
        access: 'write',
        roles: { operator: 'ANY' },
        own: 'operator: vendor, agent, consolidator, broker; an org registrar (no role): its org roles',
    },
    'RiskContract.RaiseFlag': { access: 'write', roles: { operator: 'ANY', customs: 'ANY', bank: 'ANY' } },
    'RiskContract.ClearFlag': { access: 'write', roles: { customs: 'ANY', bank: 'ANY' } },
    'RiskContract.ConfirmFlag': { access: 'write', roles: { customs: 'ANY', bank: 'ANY' } },
    'RiskContract.GetFlag': { access: 'read', roles: { ...AUTHORITIES_READ, bank: 'ANY' } },
    'RiskContract.ListFlagsBySubject': { access: 'read', roles: { ...AUTHORITIES_READ, bank: 'ANY' } },
    'ReceiptContract.FileReceipt': { access: 'write', roles: { bank: 'OWN' }, own: BANK_OWN },
    'ReceiptContract.AllocateReceipt': { access: 'write', roles: { bank: 'OWN' }, own: BANK_OWN },
    'ReceiptContract.VerifyReceipt': { access: 'write', roles: { bank: 'OWN' }, own: BANK_OWN },
    'ReceiptContract.SettleReceipt': { access: 'write', roles: { bank: 'OWN' }, own: BANK_OWN },
    'ReceiptContract.VoidAllocation': { access: 'write', roles: { bank: 'OWN' }, own: BANK_OWN },
    'ReceiptContract.GetReceiptHistory': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN', vendor: 'OWN', agent: 'OWN' },
        own: `${BANK_OWN}; vendor/agent = receipt.payeePartyId`,
    },
    'ReceiptContract.GetReceipt': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN', vendor: 'OWN', agent: 'OWN' },
        own: `${BANK_OWN}; vendor/agent = receipt.payeePartyId`,
    },
    'ReceiptContract.GetReceiptPayer': { access: 'read', roles: { bank: 'OWN' }, own: BANK_OWN },
    'ReceiptContract.ListReceiptsByTrade': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN', vendor: 'OWN', agent: 'OWN' },
        own: 'bank: only its own receipts; vendor = trade.vendorId, agent = trade.agentId',
    },
    'ReceiptContract.ListReceiptsByPayee': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN', vendor: 'OWN', agent: 'OWN' },
        own: 'bank: only its own receipts; vendor/agent = payeePartyId argument',
    },
    'ReceiptContract.CheckReceipt': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN' },
        own: 'bank: its own filed receipts, or any proposed receipt',
    },
    'ReceiptContract.GetTradeSettlement': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'ANY', vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = trade.vendorId, agent = trade.agentId',
    },
    'FinancingContract.FinanceTrades': { access: 'write', roles: { bank: 'OWN' }, own: FINANCING_OWN },
    'FinancingContract.CloseFinancing': { access: 'write', roles: { bank: 'OWN' }, own: FINANCING_OWN },
    'FinancingContract.GetFinancing': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN' },
        own: FINANCING_OWN,
    },
    'FinancingContract.ListFinancingsByTrade': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, bank: 'OWN' },
        own: 'bank: only its own financings (other banks: counts and totals in GetTradeSettlement)',
    },
    'ExemptionContract.FileExemption': {
        access: 'write',
        roles: { vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = merchantId; agent = agentId of every trade, under a SIGNED agency agreement',
    },
    'ExemptionContract.CheckExemption': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN', agent: 'OWN' },
        own: 'as FileExemption',
    },
    'ExemptionContract.GetExemption': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = merchantId, agent = filer',
    },
    'ExemptionContract.ExemptionGuard': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = merchantId, agent = filer',
    },
    'ExemptionContract.GetExemptionByTrade': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = trade.vendorId, agent = trade.agentId',
    },
    'ExemptionContract.ListExemptionsByMerchant': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN' },
        own: 'vendor = merchantId argument',
    },
    'ExemptionContract.WithdrawExemption': {
        access: 'write',
        roles: { vendor: 'OWN', agent: 'OWN' },
        own: 'the filer: vendor = filerPartyId (its own filing), agent = filerPartyId',
    },
    'ExemptionContract.GetExemptionHistory': {
        access: 'read',
        roles: { ...AUTHORITIES_READ, vendor: 'OWN', agent: 'OWN' },
        own: 'vendor = merchantId, agent = filer',
    },
};

/** The whole matrix, sorted by transaction name. */
export function permissionTable(): [TransactionName, Permission][] {
    return (Object.entries(PERMISSIONS) as [TransactionName, Permission][]).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
    );
}

/** The permission of a transaction named at run time (the gateway's operations name them as text). */
export function permissionOf(tx: string): Permission {
    if (!Object.hasOwn(PERMISSIONS, tx)) throw new Error(`no permission defined for ${tx}`);
    return PERMISSIONS[tx as TransactionName];
}

/** The authorised caller of one transaction. */
export interface Actor {
    readonly caller: Caller;
    readonly role: Role;
    readonly scope: Scope;
    /** The caller's on-chain party (party roles only). */
    readonly party: Party | null;
    readonly partyId: string | null;
    readonly signature: Signature;
}

function isRole(value: string | null): value is Role {
    return value !== null && (ROLES as readonly string[]).includes(value);
}

/** Authorises the caller for `tx` (e.g. 'TradeContract.RegisterTrade'): `FORBIDDEN:` when the matrix says no. */
export async function authorize(ctx: Context, tx: TransactionName): Promise<Actor> {
    const permission = PERMISSIONS[tx];
    const caller = callerOf(ctx);
    const role = caller.role;
    if (!isRole(role)) throw forbidden(`certificate role ${JSON.stringify(role)} is not a ledger role`);
    if (!ROLE_MSP[role].accepts(caller.mspId)) {
        throw forbidden(`role ${role} is not accepted from ${caller.mspId} (needs ${ROLE_MSP[role].describe})`);
    }
    const scope = permission.roles[role];
    if (scope === undefined) throw forbidden(`role ${role} may not call ${tx}`);
    const party = await partyOf(ctx, caller, role, permission.access);
    return {
        caller,
        role,
        scope,
        party,
        partyId: caller.party,
        signature: {
            mspId: caller.mspId,
            id: caller.id,
            role,
            party: caller.party,
            txId: ctx.stub.getTxID(),
            at: txTime(ctx),
        },
    };
}

async function partyOf(ctx: Context, caller: Caller, role: Role, access: Access): Promise<Party | null> {
    const type = PARTY_ROLE_TYPE[role];
    if (type === undefined) return null;
    if (caller.party === null || caller.party === '') {
        throw forbidden(`role ${role} needs the mpt.party certificate attribute`);
    }
    const party = await getRecord<Party>(ctx, recordKey(ctx, RecordType.party, caller.party), 'party');
    if (party === undefined) throw forbidden(`caller party ${caller.party} is not filed`);
    if (party.type !== type)
        throw forbidden(`caller party ${caller.party} is a ${party.type}, role ${role} needs ${type}`);
    if (party.orgMspId !== undefined && party.orgMspId !== caller.mspId) {
        throw forbidden(`caller party ${caller.party} belongs to ${party.orgMspId}, not ${caller.mspId}`);
    }
    const usable = access === 'write' ? party.status === 'ACTIVE' : party.status !== 'REVOKED';
    if (!usable) throw forbidden(`caller party ${caller.party} is ${party.status}`);
    return party;
}

/**
 * OWN scope: the record names, per role, the parties that own it. ANY scope passes. `what` names the record.
 */
export function assertOwns(
    actor: Actor,
    owners: Readonly<Partial<Record<Role, string | readonly string[]>>>,
    what: string,
): void {
    if (actor.scope === 'ANY') return;
    const owned = owners[actor.role];
    const ids: readonly string[] = owned === undefined ? [] : typeof owned === 'string' ? [owned] : owned;
    if (actor.partyId === null || !ids.includes(actor.partyId)) {
        throw forbidden(`${actor.role} ${actor.partyId ?? '?'} does not own ${what}`);
    }
}

/**
 * OWN scope for a read of one record: a record the actor may not see answers exactly like a missing one
 * (`<what> does not exist`, as mustGetRecord words it), so no read tells a caller which IDs exist. `what` must be
 * the label the record's loader uses for a missing record.
 */
export function assertSees(
    actor: Actor,
    owners: Readonly<Partial<Record<Role, string | readonly string[]>>>,
    what: string,
): void {
    if (!owns(actor, owners)) throw notFound(`${what} does not exist`);
}

/** True when the actor may see the record (same test as assertOwns, without throwing). */
export function owns(actor: Actor, owners: Readonly<Partial<Record<Role, string | readonly string[]>>>): boolean {
    try {
        assertOwns(actor, owners, '');
        return true;
    } catch {
        return false;
    }
}

// Onboarding ---------------------------------------------------------------------------------------------

/** Who onboards people: a ledger role, or `admin`, an org's registrar at its CA (no ledger role of its own). */
export type Onboarder = Role | 'admin';

const MARKET_PARTY_ROLES: readonly Role[] = ['vendor', 'agent', 'consolidator', 'broker'];

/**
 * Which roles an onboarder may give people of its own org. A market operator onboards the market's parties; an
 * org admin any role its MSP may carry (so only CustomsOrg's admin mints auditors, who read everything). The
 * gateway gates onboarding and revocation with this table and the ledger re-checks it when recording.
 */
export function onboardableRoles(onboarder: { readonly role: string; readonly mspId: string }): readonly Role[] {
    if (onboarder.role === 'operator' && onboarder.mspId === MARKET_MSP) return MARKET_PARTY_ROLES;
    if (onboarder.role !== 'admin') return [];
    return ROLES.filter((role) => ROLE_MSP[role].accepts(onboarder.mspId));
}

/** The certificate attribute Fabric CA gives registrars; our network enrols one per org for onboarding. */
const REGISTRAR_ATTRIBUTE = 'hf.Registrar.Roles';

/**
 * The onboarder of an onboarding record: an org registrar (no `mpt.role`, registrar attribute in the certificate),
 * else whoever the permission table lets call `tx`.
 */
export async function authorizeOnboarder(
    ctx: Context,
    tx: TransactionName,
): Promise<{ readonly onboarder: Onboarder; readonly signature: Signature }> {
    const caller = callerOf(ctx);
    const registrarRoles = ctx.clientIdentity.getAttributeValue(REGISTRAR_ATTRIBUTE);
    if (caller.role === null && registrarRoles !== null && registrarRoles !== '') {
        const signature = { mspId: caller.mspId, id: caller.id, role: 'admin', party: null };
        return { onboarder: 'admin', signature: { ...signature, txId: ctx.stub.getTxID(), at: txTime(ctx) } };
    }
    const actor = await authorize(ctx, tx);
    return { onboarder: actor.role, signature: actor.signature };
}
