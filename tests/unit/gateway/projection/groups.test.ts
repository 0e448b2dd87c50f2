import { describe, expect, test } from '@jest/globals';
import { deliveredGroups } from '../../../../gateway/src/projection/groups';

/** A stream that holds `ready` items at once, then delivers each later one when `deliver` is called. */
function stream(ready: number[]): { items: AsyncIterable<number>; deliver: (item: number) => void; end: () => void } {
    const queue = [...ready];
    let wake: (() => void) | undefined;
    let ended = false;
    const items = async function* (): AsyncGenerator<number> {
        for (;;) {
            const next = queue.shift();
            if (next !== undefined) {
                yield next;
                continue;
            }
            if (ended) return;
            await new Promise<void>((resolve) => (wake = resolve));
        }
    };
    return {
        items: items(),
        deliver: (item): void => {
            queue.push(item);
            wake?.();
        },
        end: (): void => {
            ended = true;
            wake?.();
        },
    };
}

describe('groups of delivered blocks', () => {
    test('takes what is delivered already, within the block and transaction limits', async () => {
        const source = stream([1, 2, 3, 4, 5, 6, 7]);
        source.end();
        const groups: number[][] = [];
        for await (const group of deliveredGroups(source.items, (n) => n, { blocks: 3, transactions: 9 })) {
            groups.push(group);
        }
        // [1,2,3] by the block limit, [4,5] reaches 9 transactions, [6,7] is what is left
        expect(groups).toEqual([
            [1, 2, 3],
            [4, 5],
            [6, 7],
        ]);
    });

    test('following, a block is its own group as soon as it arrives: nothing waits for the next', async () => {
        const source = stream([1]);
        const groups = deliveredGroups(source.items, () => 1);
        expect((await groups.next()).value).toEqual([1]);
        const second = groups.next();
        source.deliver(2);
        expect((await second).value).toEqual([2]);
        source.deliver(3);
        source.deliver(4);
        expect((await groups.next()).value).toEqual([3, 4]);
        source.end();
        expect((await groups.next()).done).toBe(true);
    });
});
