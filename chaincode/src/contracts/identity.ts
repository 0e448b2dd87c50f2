import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { callerOf } from '../lib/identity';
import { canonicalJson } from '../lib/canonical';

@Info({ title: 'IdentityContract', description: 'Tells callers how the ledger sees them' })
export class IdentityContract extends Contract {
    constructor() {
        super('IdentityContract');
    }

    /** The caller's MSP, certificate ID and `mpt.*` attributes, exactly as the chaincode reads them. */
    @Transaction(false)
    WhoAmI(ctx: Context): string {
        return canonicalJson(callerOf(ctx));
    }
}
