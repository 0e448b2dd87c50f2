import type { FakeIdentity } from './fake-ledger';

/** Fake client identities, one per role, with the MSP each role must come from. */
const ROLE_DEFAULT_MSP: Readonly<Record<string, string>> = {
    operator: 'MarketOrgMSP',
    vendor: 'MarketOrgMSP',
    agent: 'MarketOrgMSP',
    consolidator: 'MarketOrgMSP',
    broker: 'MarketOrgMSP',
    customs: 'CustomsOrgMSP',
    bank: 'BankOrgMSP',
    auditor: 'CustomsOrgMSP',
};

export function identity(role: string | null, party?: string, mspId?: string): FakeIdentity {
    const msp = mspId ?? ROLE_DEFAULT_MSP[role ?? ''] ?? 'MarketOrgMSP';
    const org = msp.replace(/MSP$/, '').toLowerCase();
    const name = `${role ?? 'norole'}${party === undefined ? '' : `-${party}`}`;
    const attributes: Record<string, string> = {};
    if (role !== null) attributes['mpt.role'] = role;
    if (party !== undefined) attributes['mpt.party'] = party;
    return {
        mspId: msp,
        id: `x509::/C=CN/O=${org}/OU=client/CN=${name}::/C=CN/O=${org}/CN=ca.${org}`,
        attributes,
    };
}

export const operator = (): FakeIdentity => identity('operator', 'OP-MARKET');
export const customs = (): FakeIdentity => identity('customs', 'CUSTOMS-YIWU');
export const auditor = (): FakeIdentity => identity('auditor');
export const vendor = (party: string): FakeIdentity => identity('vendor', party);
export const agent = (party: string): FakeIdentity => identity('agent', party);
export const consolidator = (party: string): FakeIdentity => identity('consolidator', party);
export const broker = (party: string): FakeIdentity => identity('broker', party);
export const bank = (party: string, mspId = 'BankOrgMSP'): FakeIdentity => identity('bank', party, mspId);
