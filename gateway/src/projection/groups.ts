import type { peer } from '@hyperledger/fabric-protos';

/** How many delivered blocks one database transaction may take. */
export interface GroupLimits {
    /** Blocks in a group at most. */
    readonly blocks: number;
    /** Transactions in a group at most (a group ends at the block that reaches it): bounds memory and commit time. */
    readonly transactions: number;
}

/** Enough to make a commit rare during a catch-up, small enough to apply in well under a second. */
export const GROUP_LIMITS: GroupLimits = { blocks: 500, transactions: 2000 };

/** A delivered block's transactions (configuration ones included): what a group of blocks is bounded by. */
export const transactionsIn = (delivered: peer.BlockAndPrivateData): number =>
    delivered.getBlock()?.getData()?.getDataList().length ?? 0;

const ANSWERED = Symbol('answered');

/** Whether `promise` settles before the event loop's next turn: an item the iterator holds already does. */
function settledNow<T>(promise: Promise<T>): Promise<boolean> {
    return Promise.race([
        promise.then(
            () => true,
            () => true,
        ),
        new Promise<typeof ANSWERED>((resolve) =>
            setImmediate(() => {
                resolve(ANSWERED);
            }),
        ).then(() => false),
    ]);
}

/**
 * The items of `source` in groups: each group is the next item (waited for) and those already delivered behind it
 * (never waited for), within `limits`. Following a live peer a group is one block, applied as soon as it arrives;
 * catching up, the stream holds many and one database transaction takes them all.
 */
export async function* deliveredGroups<T>(
    source: AsyncIterable<T>,
    sizeOf: (item: T) => number,
    limits: GroupLimits = GROUP_LIMITS,
): AsyncGenerator<T[]> {
    const iterator = source[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<T>> | undefined;
    try {
        for (;;) {
            const first = await (pending ?? iterator.next());
            pending = undefined;
            if (first.done === true) return;
            const group = [first.value];
            let size = sizeOf(first.value);
            while (group.length < limits.blocks && size < limits.transactions) {
                pending = iterator.next();
                if (!(await settledNow(pending))) break;
                const next = await pending;
                pending = undefined;
                if (next.done === true) {
                    yield group;
                    return;
                }
                group.push(next.value);
                size += sizeOf(next.value);
            }
            yield group;
        }
    } finally {
        // not awaited: behind a next() still waiting for a block it would wait as long; the owner closes the stream
        pending?.catch(() => undefined);
        iterator.return?.().catch(() => undefined);
    }
}
