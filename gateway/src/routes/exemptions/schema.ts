import { z } from 'zod';
import { Id, PageQuery } from '../common';

export const FilingBody = z.strictObject({
    filingNo: Id,
    merchantId: Id,
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
    tradeNos: z.array(Id).min(1).max(200),
});
export const FilingParams = z.strictObject({ filingNo: Id });
export const FilingListQuery = PageQuery.extend({ merchantId: Id });
