import type { Transaction } from 'kysely';
import { chunks } from './batches';
import type { LedgerTransaction } from './blocks';
import type { RowChange } from './records';
import type { OutboxTable, ReadModel } from './schema';

/** The work lists an event's records belong to: the event stream shows an event to whoever may read them. */
export type SubjectKind = 'trades' | 'declarations' | 'receipts' | 'riskFlags' | 'exemptions' | 'parties';

type Payload = Readonly<Record<string, unknown>>;

type IdsOf = (payload: Payload) => string[];

const one =
    (field: string): IdsOf =>
    (payload) => {
        const value = payload[field];
        return typeof value === 'string' ? [value] : [];
    };
const many =
    (field: string): IdsOf =>
    (payload) => {
        const value = payload[field];
        return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    };

/** Per subject kind, which events name its records and where in their payload (vocabulary.ts EventPayloads). */
const SUBJECTS: Readonly<Record<SubjectKind, Readonly<Record<string, IdsOf>>>> = {
    trades: {
        TradeRegistered: one('tradeNo'),
        TradesRegistered: many('registered'),
        TradeAmended: one('tradeNo'),
        TradeCancelled: one('tradeNo'),
        TradeFlagResolved: one('tradeNo'),
    },
    declarations: {
        DeclarationFiled: one('declNo'),
        CustomsEventRecorded: one('declNo'),
        CustomsCheckRecorded: one('declNo'),
    },
    receipts: {
        ReceiptFiled: one('receiptId'),
        ReceiptAllocated: one('receiptId'),
        ReceiptVerified: one('receiptId'),
        ReceiptSettled: one('receiptId'),
        AllocationVoided: one('receiptId'),
    },
    riskFlags: { RiskFlagRaised: one('flagId'), RiskFlagCleared: one('flagId'), RiskFlagConfirmed: one('flagId') },
    exemptions: { ExemptionFiled: one('filingNo'), ExemptionWithdrawn: one('filingNo') },
    parties: {
        PartyRegistered: one('partyId'),
        PartyVerified: one('partyId'),
        PartyActivated: one('partyId'),
        PartySuspended: one('partyId'),
        PartyReinstated: one('partyId'),
        PartyRevoked: one('partyId'),
    },
};

/** The events that name records of the `kinds` work lists (what a list page listens for). */
export function eventTypesOf(kinds: readonly SubjectKind[]): string[] {
    return kinds.flatMap((kind) => Object.keys(SUBJECTS[kind]));
}

/** The work list an event is about and the IDs of its records; kind null for events of other records. */
export function subjectsOf(type: string, payload: Payload): { kind: SubjectKind | null; ids: string[] } {
    for (const [kind, events] of Object.entries(SUBJECTS) as [SubjectKind, (typeof SUBJECTS)[SubjectKind]][]) {
        const ids = events[type];
        if (ids !== undefined) return { kind, ids: ids(payload) };
    }
    return { kind: null, ids: [] };
}

/** The first market cluster among the rows the transaction wrote (a trade, a party's stall, a cluster). */
function clusterOf(changes: readonly RowChange[]): string | null {
    for (const change of changes) {
        if (change.kind !== 'upsert') continue;
        const cluster = change.row.cluster_id;
        if (typeof cluster === 'string' && cluster !== '') return cluster;
    }
    return null;
}

function parsePayload(text: string): Payload {
    try {
        const parsed: unknown = JSON.parse(text);
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Payload) : {};
    } catch {
        return {};
    }
}

/** The outbox row of a VALID transaction's chaincode event; undefined when it set none. */
export function outboxEntryOf(
    tx: LedgerTransaction,
    blockNumber: number,
    changes: readonly RowChange[],
): OutboxTable | undefined {
    if (tx.event === undefined) return undefined;
    const subjects = subjectsOf(tx.event.name, parsePayload(tx.event.payload));
    return {
        event_id: tx.txId,
        tx_id: tx.txId,
        block_number: blockNumber,
        tx_index: tx.index,
        type: tx.event.name,
        cluster_id: clusterOf(changes),
        subject_kind: subjects.kind,
        subject_ids: JSON.stringify(subjects.ids),
        payload: tx.event.payload,
        occurred_at: tx.timestamp,
    };
}

/** Whether a subscription's filters (null: any) take an event. */
export function subscriptionTakes(
    subscription: { readonly event_types: string | null; readonly clusters: string | null },
    event: { readonly type: string; readonly cluster_id: string | null },
): boolean {
    const types = subscription.event_types === null ? null : (JSON.parse(subscription.event_types) as string[]);
    const clusters = subscription.clusters === null ? null : (JSON.parse(subscription.clusters) as string[]);
    if (types !== null && !types.includes(event.type)) return false;
    return clusters === null || (event.cluster_id !== null && clusters.includes(event.cluster_id));
}

/**
 * Writes the events to the outbox inside the blocks' database transaction: they exist iff the blocks are applied. An
 * event already in the outbox (its block applied again) is not written twice. Webhook deliveries are made from the
 * outbox afterwards, in the gateway's own state (events/fan-out.ts). One multi-row statement per 500 events.
 */
export async function writeOutbox(trx: Transaction<ReadModel>, entries: readonly OutboxTable[]): Promise<void> {
    for (const batch of chunks(entries)) {
        await trx
            .insertInto('outbox')
            .values(batch)
            .onConflict((conflict) => conflict.column('event_id').doNothing())
            .execute();
    }
}
