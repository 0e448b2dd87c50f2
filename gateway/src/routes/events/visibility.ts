import { sql, type Kysely } from 'kysely';
import type { Principal } from '../../auth/principal';
import type { OutboxTable, SubjectKind } from '../../projection';
import type { ReadModelHandle, RowScope, WorkListName } from '../../worklists';
import { openLists, type ReadModels } from '../worklists/service';

/** The table and key column of each subject kind's records. */
const SUBJECT_TABLES: Readonly<Record<SubjectKind, { readonly table: string; readonly key: string }>> = {
    trades: { table: 'trades', key: 'trade_no' },
    declarations: { table: 'declarations', key: 'decl_no' },
    receipts: { table: 'receipts', key: 'receipt_id' },
    riskFlags: { table: 'risk_flags', key: 'flag_id' },
    exemptions: { table: 'exemptions', key: 'filing_no' },
    parties: { table: 'parties', key: 'party_id' },
};

const SUBJECT_KINDS = Object.keys(SUBJECT_TABLES) as SubjectKind[];

/** What one caller of the event stream sees of an event: its type and the IDs of its records the caller may read. */
export interface VisibleEvent {
    readonly eventId: string;
    readonly type: string;
    readonly txId: string;
    readonly blockNumber: number;
    readonly clusterId: string | null;
    readonly subject: SubjectKind;
    readonly ids: readonly string[];
}

/**
 * Decides, per event, what a caller may see, by the work lists' rules (worklists/scope.ts, the ledger's permission
 * table): an event about trades is shown to a role that may read the trades list, with only the trade IDs in its
 * scope (a vendor: its own trades). Events about records no work list covers (goods, clusters, rates, agreements,
 * consolidation, documents, financings) are not shown at all: conservative until the ledger's read rules for them
 * have a table of their own. The payload itself is never sent, only the IDs.
 */
export class EventVisibility {
    readonly #model: ReadModelHandle;
    readonly #scopes: ReadonlyMap<WorkListName, RowScope>;

    private constructor(model: ReadModelHandle, scopes: ReadonlyMap<WorkListName, RowScope>) {
        this.#model = model;
        this.#scopes = scopes;
    }

    /** The caller's view; 403 when its role may read no list, 503 when its org's read model is not open. */
    static async of(readModels: ReadModels | undefined, principal: Principal): Promise<EventVisibility> {
        const { scopes, context } = await openLists(readModels, principal, SUBJECT_KINDS);
        return new EventVisibility(context.model, scopes);
    }

    get model(): ReadModelHandle {
        return this.#model;
    }

    /** The event as the caller may see it, or undefined when it may see none of its records. */
    async visible(event: OutboxTable): Promise<VisibleEvent | undefined> {
        const kind = SUBJECT_KINDS.find((k) => k === event.subject_kind);
        const scope = kind === undefined ? undefined : this.#scopes.get(kind);
        if (kind === undefined || scope === undefined) return undefined;
        const ids = JSON.parse(event.subject_ids) as string[];
        const shown = scope.kind === 'all' ? ids : await this.#owned(kind, scope.where, ids);
        if (shown.length === 0) return undefined;
        return {
            eventId: event.event_id,
            type: event.type,
            txId: event.tx_id,
            blockNumber: event.block_number,
            clusterId: event.cluster_id,
            subject: kind,
            ids: shown,
        };
    }

    async #owned(kind: SubjectKind, where: readonly (readonly [string, string])[], ids: string[]): Promise<string[]> {
        if (ids.length === 0) return [];
        const { table, key } = SUBJECT_TABLES[kind];
        const db = this.#model.db as unknown as Kysely<Record<string, Record<string, string>>>;
        let query = db
            .selectFrom(table)
            .select(sql.ref<string>(`${table}.${key}`).as('id'))
            .where(key, 'in', ids);
        for (const [column, value] of where) query = query.where(sql.ref(column), '=', value);
        const owned = new Set((await query.execute()).map((row) => row.id));
        return ids.filter((id) => owned.has(id));
    }
}
