import { z } from 'zod';
import { GATEWAY_ROLES } from '../../auth/principal';

export const MeResponse = z.object({
    keyId: z.string(),
    org: z.string(),
    mspId: z.string(),
    username: z.string(),
    role: z.enum(GATEWAY_ROLES),
    party: z.string().nullable(),
    ledger: z
        .object({ mspId: z.string(), id: z.string(), role: z.string().nullable(), party: z.string().nullable() })
        .describe('how the chaincode sees the caller (IdentityContract.WhoAmI)'),
});
