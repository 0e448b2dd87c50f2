import { pageArgs } from '../common';

/** ListExemptionsByMerchant(merchantId, pageSize, bookmark). */
export const filingListArgs = (q: { merchantId: string; pageSize: number; bookmark: string }): string[] => [
    q.merchantId,
    ...pageArgs(q),
];
