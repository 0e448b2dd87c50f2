import type { Request, RequestHandler, Response } from 'express';
import type { ApiKeys } from '../../auth/key-store';
import type { Principal } from '../../auth/principal';
import { contextOf } from '../../http/context';
import { afterPosition, outboxEnd, type OutboxPosition } from '../../events';
import { ApiError } from '../../http/errors';
import type { OutboxTable } from '../../projection';
import type { ReadModelHandle } from '../../worklists';
import type { ReadModels } from '../worklists/service';
import { EventVisibility } from './visibility';

export const EVENT_STREAM_PATH = '/v1/events/stream';

export interface EventStreamOptions {
    /** How often the outbox is read for new events (default 500 ms). */
    readonly pollMs?: number;
    /** How often a comment line keeps idle proxies from closing the stream (default 15 s). */
    readonly heartbeatMs?: number;
    /** How often, between events, the caller's right to the stream is asked again (default 2 s). */
    readonly recheckMs?: number;
}

/** Why a stream ends while its client still listens: its console session ended, or its API key was revoked. */
export type StreamEnd = 'session-ended' | 'key-revoked';

/**
 * Asks the gateway state (file, SQLite or PostgreSQL) whether the caller may still listen: undefined while it may, the
 * reason when it may not. Asked before every batch of events and every `recheckMs` in between.
 */
export type StreamGrant = () => Promise<StreamEnd | undefined>;

/** The grant of an API key: it holds while the key is not revoked (rotation revokes the old key). */
export function keyGrant(keys: ApiKeys, keyId: string): StreamGrant {
    return async () => {
        const record = await keys.get(keyId);
        return record === undefined || record.revokedAt !== undefined ? 'key-revoked' : undefined;
    };
}

const BATCH = 100;

/** The position after `Last-Event-ID`; the outbox's end when none is given; a 400 for an ID the outbox lacks. */
async function startOf(model: ReadModelHandle, lastEventId: string | undefined): Promise<OutboxPosition> {
    if (lastEventId === undefined || lastEventId === '') return outboxEnd(model.db);
    const known = await model.db
        .selectFrom('outbox')
        .select(['block_number', 'tx_index'])
        .where('event_id', '=', lastEventId)
        .executeTakeFirst();
    if (known === undefined) {
        throw new ApiError(
            400,
            'INVALID',
            `Last-Event-ID ${lastEventId} is not an event of this read model; reconnect without it / ` +
                `Last-Event-ID ${lastEventId} 不是本读模型的事件，请不带该标头重新连接`,
        );
    }
    return { block: known.block_number, txIndex: known.tx_index };
}

async function eventsAfter(model: ReadModelHandle, after: OutboxPosition): Promise<OutboxTable[]> {
    return model.db
        .selectFrom('outbox')
        .selectAll()
        .where(afterPosition(after))
        .orderBy('block_number')
        .orderBy('tx_index')
        .limit(BATCH)
        .execute();
}

/** Asks `grant` before events go out, and otherwise once `everyMs` has passed since it was last asked. */
function rechecking(grant: StreamGrant, everyMs: number): (sending: boolean) => Promise<StreamEnd | undefined> {
    let lastCheck = Date.now();
    return async (sending) => {
        if (!sending && Date.now() - lastCheck < everyMs) return undefined;
        lastCheck = Date.now();
        return grant();
    };
}

const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
        setTimeout(resolve, ms);
    });

/**
 * Streams the events of the caller's org read model that the caller may see (routes/events/visibility.ts) as
 * Server-Sent Events: `id` is the event ID (a reconnecting EventSource sends it back as `Last-Event-ID` and the stream
 * resumes after it), `event` its type, `data` JSON of its type and record IDs. Comment lines keep idle connections
 * open. Ends when the client goes, or, after a last `stream-ended` event saying why, when `grant` no longer holds (a
 * signed-out or idle session, a revoked or rotated key): what was granted at the start is not granted for ever.
 */
export async function streamEvents(
    readModels: ReadModels | undefined,
    principal: Principal,
    grant: StreamGrant,
    req: Request,
    res: Response,
    options: EventStreamOptions = {},
): Promise<void> {
    const visibility = await EventVisibility.of(readModels, principal);
    let position = await startOf(visibility.model, req.get('last-event-id'));
    const closed = new AbortController();
    req.on('close', () => {
        closed.abort();
    });
    res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
    });
    res.write(': stream open\n\n');
    const heartbeatMs = options.heartbeatMs ?? 15_000;
    const recheck = rechecking(grant, options.recheckMs ?? 2000);
    let lastWrite = Date.now();
    while (!closed.signal.aborted) {
        const events = await eventsAfter(visibility.model, position);
        const ended = await recheck(events.length > 0);
        if (ended !== undefined) {
            // no id: a reconnect resumes after the last event sent, and is refused without a session or key
            res.write(`event: stream-ended\ndata: ${JSON.stringify({ reason: ended })}\n\n`);
            break;
        }
        for (const event of events) {
            position = { block: event.block_number, txIndex: event.tx_index };
            const shown = await visibility.visible(event);
            if (shown === undefined) continue;
            res.write(`id: ${shown.eventId}\nevent: ${shown.type}\ndata: ${JSON.stringify(shown)}\n\n`);
            lastWrite = Date.now();
        }
        if (Date.now() - lastWrite >= heartbeatMs) {
            res.write(': heartbeat\n\n');
            lastWrite = Date.now();
        }
        if (events.length < BATCH) await sleep(options.pollMs ?? 500);
    }
    res.end();
}

/** The Bearer-authenticated stream as an Express handler (mounted after the API's authentication). */
export function eventStreamHandler(
    readModels: ReadModels | undefined,
    keys: ApiKeys,
    options?: EventStreamOptions,
): RequestHandler {
    return async (req, res) => {
        const context = contextOf(res);
        context.route = EVENT_STREAM_PATH;
        const principal = context.principal;
        if (principal === undefined) throw new ApiError(401, 'UNAUTHENTICATED', 'send an API key');
        await streamEvents(readModels, principal, keyGrant(keys, principal.keyId), req, res, options);
    };
}
