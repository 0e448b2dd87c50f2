import type { LedgerIdentity } from '../ledger/ledger';
import { ROLES } from '../../../chaincode/src/vocabulary';

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
