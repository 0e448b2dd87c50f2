import type { BankCheckResult } from '../../../chaincode/src/rules/bank-check';
import type { CheckReport } from '../../../chaincode/src/rules/customs-check';
import { party, seedSignature } from '../chaincode/receipt-fixtures';
import { type Party, type ReceiptRecord } from '../../../chaincode/src/model/records';
import { type RecordEvidence } from '../../../chaincode/src/facts/evidence';

/**
 * Answers for the API tests' fake ledger in the shapes the chaincode gives (typed by its own interfaces), so they
 * pass the gateway's response schemas as real answers do. Trades and declarations: ../chaincode/receipt-fixtures.
 */
export { declaration, trade } from '../chaincode/receipt-fixtures';

/** RegisterParty's answer to its JSON argument: the filing as stored, SUBMITTED. */
export function filedParty(json: string): Party {
    const filed = JSON.parse(json) as Pick<Party, 'partyId' | 'type' | 'legalName'>;
    return party(filed.partyId, filed.type, { legalName: filed.legalName, status: 'SUBMITTED' });
}

export function receiptRecord(over: Partial<ReceiptRecord> = {}): ReceiptRecord {
    return {
        docType: 'receipt',
        receiptId: 'BankOrgMSP:R-1',
        receiptRef: 'R-1',
        bankMspId: 'BankOrgMSP',
        bankPartyId: 'BANK-0001',
        payeePartyId: 'V-0001',
        amountMinor: 2500,
        currency: 'USD',
        valueDate: '2026-03-02',
        channel: 'SWIFT',
        usdRate: null,
        usdEquivalentMinor: 2500,
        payerHash: null,
        allocations: [],
        allocatedMinor: 0,
        unallocatedMinor: 2500,
        status: 'RECEIVED',
        flags: [],
        filedBy: seedSignature,
        updatedBy: seedSignature,
        ...over,
    };
}

export function bankCheck(over: Partial<BankCheckResult> = {}): BankCheckResult & { records: RecordEvidence[] } {
    return {
        receiptRef: 'R-1',
        verdict: 'PASS',
        checks: [{ id: 'BK-01', name: 'payee', outcome: 'PASS', reason: 'BK01_PAYEE_ACTIVE', findings: [] }],
        trades: [],
        reliedOn: { tradeNos: [], declNos: [] },
        records: [],
        ...over,
    };
}

export function customsCheck(
    over: Partial<CheckReport & { reliedOn: RecordEvidence[]; txId: string }> = {},
): CheckReport & { reliedOn: RecordEvidence[]; checkedAt: string; txId: string } {
    return {
        declNo: '123456789012345678',
        verdict: 'PASS',
        negativeListVersion: 1,
        checks: [{ id: 'CU-01', name: 'parties', result: 'PASS', reasons: [] }],
        settlement: { trades: [], unsettledDays: null },
        reliedOn: [],
        checkedAt: '2026-03-02T00:00:00.000Z',
        txId: 'c'.repeat(64),
        ...over,
    };
}
