import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { authorize } from '../lib/auth';
import { invalid, notFound } from '../lib/errors';
import { ID, oneOf, parseArg } from '../lib/validate';
import { RecordType } from '../vocabulary';
import { recordKey } from '../model/keys';
import { historyOf } from '../store/records';
import { jsonResult } from '../lib/canonical';

const TYPES = Object.values(RecordType);

/** Every committed version of any record, with the txId and timestamp of each change. */
@Info({ title: 'HistoryContract', description: 'History of any record' })
export class HistoryContract extends Contract {
    constructor() {
        super('HistoryContract');
    }

    /** `recordId`: the record's ID; for customs events `<declNo>:<seq>` (seq as 4 digits). */
    @Transaction(false)
    async GetHistory(ctx: Context, recordType: string, recordId: string): Promise<string> {
        const type = parseArg(recordType, oneOf(TYPES), 'recordType');
        const ids = recordId.split(':');
        if (ids.length > 2) throw invalid('recordId has too many parts');
        ids.forEach((id, index) => parseArg(id, ID, `recordId[${index}]`));
        await authorize(ctx, 'HistoryContract.GetHistory');
        const history = await historyOf(ctx, recordKey(ctx, type, ...ids));
        if (history.length === 0) throw notFound(`${type} ${recordId} has no history`);
        return jsonResult({ recordType: type, recordId, history });
    }
}
