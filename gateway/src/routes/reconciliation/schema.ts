import { z } from 'zod';
import { Id, RecordEvidence, Signature, Verdict } from '../common';
import { RECONCILIATION_REASONS, TRADE_STATUSES } from '../../../../chaincode/src/vocabulary';
import { AllocationRecord } from '../receipts/schema';

export const ReconcileTradeParams = z.strictObject({ tradeNo: Id });

const ReconciliationReason = z.enum(
    Object.keys(RECONCILIATION_REASONS) as [
        keyof typeof RECONCILIATION_REASONS,
        ...(keyof typeof RECONCILIATION_REASONS)[],
    ],
);
const Mismatch = z.looseObject({ code: ReconciliationReason, message: z.string() });

/** One trade line against its declaration line and its receipts (chaincode/src/rules/reconciliation.ts). */
const ReconciledLine = z.looseObject({
    tradeNo: z.string(),
    lineId: z.string(),
    goodsCode: z.string(),
    hsCode: z.string(),
    currency: z.string(),
    amountMinor: z.number().int(),
    declared: z
        .looseObject({
            declNo: z.string(),
            gNo: z.number().int(),
            hsCode: z.string(),
            valueUsd: z.number().int().describe('this trade line’s part of the declaration line, USD cents'),
            amountMinor: z.number().int(),
        })
        .nullable()
        .describe('null when the line is on no declaration line'),
    creditedMinor: z
        .number()
        .int()
        .describe('allocations naming the line plus its pro-rata share of whole-trade allocations, every bank'),
    remainingMinor: z.number().int().describe('negative when the line is paid beyond its value'),
    ownCreditedMinor: z.number().int().optional().describe('a bank: what its own allocations credit the line'),
    mismatches: z.array(Mismatch),
});

export const DeclarationReconciliation = z
    .looseObject({
        declNo: z.string(),
        status: z.string(),
        exitDate: z.string().nullable(),
        asOf: z.string(),
        lines: z.array(ReconciledLine),
        untraded: z
            .array(
                z.looseObject({
                    declNo: z.string(),
                    gNo: z.number().int(),
                    tradeNo: z.string(),
                    lineId: z.string(),
                    valueUsd: z.number().int(),
                    mismatch: Mismatch,
                }),
            )
            .describe('declaration-line sources that name no existing trade line'),
        mismatches: z.number().int(),
    })
    .meta({ id: 'DeclarationReconciliation' });

export const TradeReconciliation = z
    .looseObject({
        tradeNo: z.string(),
        status: z.enum(TRADE_STATUSES),
        currency: z.string(),
        valueMinor: z.number().int(),
        declNo: z.string().nullable(),
        exitDate: z.string().nullable(),
        asOf: z.string(),
        lines: z.array(ReconciledLine),
        allocations: z.array(AllocationRecord).describe('a bank: only its own'),
        otherBanks: z
            .looseObject({
                count: z.number().int(),
                allocationCount: z.number().int(),
                creditedMinor: z.number().int(),
            })
            .optional()
            .describe('a bank: the other banks’ allocations as counts and a total, never who or which receipt'),
        mismatches: z.number().int(),
    })
    .meta({ id: 'TradeReconciliation' });

const StoredCustomsCheck = z
    .looseObject({
        docType: z.literal('customsCheck'),
        declNo: z.string(),
        seq: z.number().int(),
        verdict: Verdict,
        negativeListVersion: z.number().int().nullable(),
        checks: z.array(
            z.looseObject({
                id: z.string(),
                result: Verdict,
                reasons: z.array(z.looseObject({ code: z.string(), severity: z.string() })),
            }),
        ),
        reliedOn: z.array(RecordEvidence),
        recordedBy: Signature,
    })
    .meta({ id: 'RecordedCustomsCheck' });

export const RecordedCustomsCheck = z.looseObject({
    record: StoredCustomsCheck,
    report: z.looseObject({ verdict: Verdict }).describe('the full CU-01..CU-08 report the record summarises'),
});

export const CustomsCheckHistory = z
    .looseObject({
        declNo: z.string(),
        latest: StoredCustomsCheck.nullable().describe('null when customs has recorded no check yet'),
        history: z.array(
            z.looseObject({ txId: z.string(), timestamp: z.string(), record: StoredCustomsCheck.nullable() }),
        ),
    })
    .meta({ id: 'CustomsCheckHistory' });
