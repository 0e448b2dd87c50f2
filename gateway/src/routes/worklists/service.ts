import type { z } from 'zod';
import type { Principal } from '../../auth/principal';
import { ApiError } from '../../http/errors';
import type { OrgReadModel, Projections, ProjectionStatus } from '../../projection';
import {
    decodeCursor,
    ListForbidden,
    partyRequirement,
    rowScope,
    type CursorPosition,
    type Direction,
    type ReadModelHandle,
    type RowScope,
    type WorkListName,
} from '../../worklists';
import type { ReadModelProgress } from './schema';

/** The read models the work lists read: the gateway's projections, one per org. */
export type ReadModels = Pick<Projections, 'readModel'>;

/** What a work-list handler gets: the caller's own org read model, its row scope, and how current the model is. */
export interface ListContext {
    readonly model: ReadModelHandle;
    readonly scope: RowScope;
    readonly readModel: z.input<typeof ReadModelProgress>;
}

function progressOf(status: ProjectionStatus): z.input<typeof ReadModelProgress> {
    const { org, state, lastBlock, peerHeight, lagBlocks } = status;
    return { org, state, lastBlock, peerHeight, lagBlocks, current: state === 'following' && lagBlocks === 0 };
}

function unavailable(org: string): ApiError {
    return new ApiError(
        503,
        'READ_MODEL_UNAVAILABLE',
        `the read model of ${org} is not available (the projection is off or not open yet); retry later / ` +
            `${org} 的读模型暂不可用（未启用或尚未打开），请稍后重试`,
        { headers: { 'retry-after': '5' } },
    );
}

/**
 * The party check the chaincode makes on every read (lib/auth.ts partyOf), against the read model: the caller's
 * party is filed, of its role's type, of its org, and not revoked.
 */
async function checkCallerParty(model: ReadModelHandle, principal: Principal): Promise<void> {
    const required = partyRequirement(principal);
    if (required === undefined) return;
    const party = await model.db
        .selectFrom('parties')
        .select(['type', 'status', 'org_msp_id'])
        .where('party_id', '=', required.partyId)
        .executeTakeFirst();
    const refused =
        party === undefined
            ? [`caller party ${required.partyId} is not filed`, `调用方当事人 ${required.partyId} 未备案`]
            : party.type !== required.type
              ? [`caller party ${required.partyId} is a ${party.type}`, `调用方当事人 ${required.partyId} 类型不符`]
              : party.org_msp_id !== null && party.org_msp_id !== principal.mspId
                ? [`caller party ${required.partyId} belongs to another org`, `调用方当事人属于其他机构`]
                : party.status === 'REVOKED'
                  ? [`caller party ${required.partyId} is REVOKED`, `调用方当事人 ${required.partyId} 已被撤销`]
                  : undefined;
    if (refused !== undefined) throw new ApiError(403, 'FORBIDDEN', `${refused[0]} / ${refused[1]}`);
}

/**
 * Opens the caller's list: only its own org's read model (never another org's, which may hold collections it is not
 * a member of), the rows the ledger's permission table lets it read, and the model's progress read before the query
 * (so `lastBlock` is a lower bound of what the rows reflect).
 */
export async function openList(
    readModels: ReadModels | undefined,
    principal: Principal,
    list: WorkListName,
): Promise<ListContext> {
    let scope: RowScope;
    try {
        scope = rowScope(list, principal);
    } catch (error) {
        if (error instanceof ListForbidden) throw new ApiError(403, 'FORBIDDEN', error.message);
        throw error;
    }
    const org: OrgReadModel | undefined = readModels?.readModel(principal.org);
    const database = org?.database;
    if (org === undefined || database === undefined) throw unavailable(principal.org);
    const model = { db: database.db, dialect: database.dialect };
    await checkCallerParty(model, principal);
    return { model, scope, readModel: progressOf(await org.status()) };
}

/** The lists a caller's role may read, each opened (a search covers several). */
export async function openLists(
    readModels: ReadModels | undefined,
    principal: Principal,
    lists: readonly WorkListName[],
): Promise<{ scopes: Map<WorkListName, RowScope>; context: Omit<ListContext, 'scope'> }> {
    const scopes = new Map<WorkListName, RowScope>();
    for (const list of lists) {
        try {
            scopes.set(list, rowScope(list, principal));
        } catch (error) {
            if (!(error instanceof ListForbidden)) throw error;
        }
    }
    const first = [...scopes.keys()][0];
    if (first === undefined) {
        throw new ApiError(403, 'FORBIDDEN', `role ${principal.role} may not search / 角色 ${principal.role} 无权搜索`);
    }
    const { model, readModel } = await openList(readModels, principal, first);
    return { scopes, context: { model, readModel } };
}

/** A page position from the query: the cursor must have been made for this sort and order. */
export function pageOf<S extends string>(
    query: { sort: S; order?: Direction | undefined; limit: number; cursor?: string | undefined },
    dateSorts: readonly string[],
): { sort: S; direction: Direction; limit: number; after?: CursorPosition } {
    const direction = query.order ?? (dateSorts.includes(query.sort) ? 'desc' : 'asc');
    if (query.cursor === undefined) return { sort: query.sort, direction, limit: query.limit };
    const after = decodeCursor(query.cursor);
    if (after?.sort !== query.sort || after.direction !== direction || typeof after.value !== 'string') {
        throw new ApiError(
            400,
            'INVALID',
            'query.cursor: not a cursor of this list with this sort and order; start again without it / ' +
                'query.cursor：游标无效或与当前排序不符，请不带游标重新开始',
        );
    }
    return { sort: query.sort, direction, limit: query.limit, after };
}
