import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { authorizeOnboarder, onboardableRoles, PARTY_ROLE_TYPE } from '../lib/auth';
import { canonicalJson, jsonResult } from '../lib/canonical';
import { conflict, forbidden, invalid } from '../lib/errors';
import { callerOf } from '../lib/identity';
import { ID, object, oneOf, parseJson, str } from '../lib/validate';
import { ROLES, type Role, RecordType } from '../vocabulary';
import { recordKey } from '../model/keys';
import { loadActiveParty } from '../store/loaders';
import { type Onboarding } from '../model/records';
import { emit } from '../store/events';
import { getRecord, putRecord } from '../store/records';

/** The enrolment ID a person gets at the org CA (same rule as the gateway's). */
const USERNAME = str({
    pattern: /^[a-z0-9][a-z0-9._-]{2,63}$/,
    max: 64,
    hint: 'must be 3..64 of a-z 0-9 . _ - (starting with a letter or digit)',
});
const ONBOARDING = object({ username: USERNAME, role: oneOf<Role>(ROLES), party: ID });

@Info({ title: 'IdentityContract', description: 'Tells callers how the ledger sees them; records who onboarded whom' })
export class IdentityContract extends Contract {
    constructor() {
        super('IdentityContract');
    }

    /** The caller's MSP, certificate ID and `mpt.*` attributes, exactly as the chaincode reads them. */
    @Transaction(false)
    WhoAmI(ctx: Context): string {
        return canonicalJson(callerOf(ctx));
    }

    /**
     * Records that the caller onboards `username` into the caller's org as `role` acting for `party`, before the
     * person is registered at the CA. A party role needs an ACTIVE party of its type (and of this org, for banks).
     * Recording the same person again with the same role and party re-issues their enrolment (history keeps both).
     */
    @Transaction()
    async RecordOnboarding(ctx: Context, requestJson: string): Promise<string> {
        const request = parseJson(requestJson, ONBOARDING, 'request');
        const { onboarder, signature } = await authorizeOnboarder(ctx, 'IdentityContract.RecordOnboarding');
        const allowed = onboardableRoles({ role: onboarder, mspId: signature.mspId });
        if (!allowed.includes(request.role)) {
            throw forbidden(`${onboarder} of ${signature.mspId} may onboard only ${allowed.join(', ') || 'nobody'}`);
        }
        const partyType = PARTY_ROLE_TYPE[request.role];
        if (partyType !== undefined) {
            const party = await loadActiveParty(ctx, request.party, [partyType]);
            if (party.orgMspId !== undefined && party.orgMspId !== signature.mspId) {
                throw invalid(`party ${request.party} acts through ${party.orgMspId}, not ${signature.mspId}`);
            }
        }
        const key = recordKey(ctx, RecordType.onboarding, signature.mspId, request.username);
        const earlier = await getRecord<Onboarding>(ctx, key, 'onboarding');
        if (earlier !== undefined && (earlier.role !== request.role || earlier.party !== request.party)) {
            throw conflict(
                `${request.username} is already onboarded in ${signature.mspId} as ${earlier.role} for ${earlier.party}`,
            );
        }
        const record: Onboarding = {
            docType: 'onboarding',
            mspId: signature.mspId,
            ...request,
            onboardedBy: signature,
        };
        await putRecord(ctx, key, record);
        emit(ctx, 'OnboardingRecorded', { mspId: record.mspId, username: record.username, role: record.role });
        return jsonResult(record);
    }
}
