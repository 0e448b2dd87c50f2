import type { LedgerIdentity } from '../ledger/ledger';
import { ROLES } from '../../../chaincode/src/vocabulary';
import type { GatewayWallets } from './identities';
import type { ApiKeyRecord } from './key-store';

/** Ledger roles (the chaincode's permission matrix) plus `admin`: an org's onboarding officer, no ledger role. */
export const GATEWAY_ROLES = [...ROLES, 'admin'] as const;
export type GatewayRole = (typeof GATEWAY_ROLES)[number];

/** The authenticated caller of one request: its API key, and the enrolled identity that signs for it. */
export interface Principal {
    readonly keyId: string;
    /** Organisation name in the connection profile, e.g. MarketOrg. */
    readonly org: string;
    readonly mspId: string;
    /** Enrolment ID at the org's CA (= wallet name). */
    readonly username: string;
    readonly role: GatewayRole;
    readonly party: string | null;
    readonly identity: LedgerIdentity;
}

/** The principal an active API key stands for: the one way both the API and the console's sessions make callers. */
export function principalOf(record: ApiKeyRecord, wallets: GatewayWallets): Principal {
    const identity = wallets.identity(record.org, record.username);
    return {
        keyId: record.keyId,
        org: record.org,
        mspId: identity.mspId,
        username: record.username,
        role: record.role,
        party: record.party,
        identity,
    };
}
