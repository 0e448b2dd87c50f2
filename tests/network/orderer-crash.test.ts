import { afterAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../../network/src/run';
import { hex64, idem, marketSuite, network, ok, type Res } from './gateway-support';

/**
 * The ordering service dies under writes in flight: two of its three Raft nodes crash, so no majority is left to order
 * anything (one node down is routine, see faults.test.ts). Every write is answered within a bounded time (201 or 503
 * COMMIT_UNKNOWN with its txId, never a hang), and once the nodes are back a retry with the same Idempotency-Key ends
 * each of them registered exactly once, with no CONFLICT from its own first attempt.
 */
const { m } = marketSuite({ MPT_COMMIT_LOST_AFTER_MS: '10000' });
const orderers = (): string[] => {
    const names = network.processNames().filter((n) => n.startsWith('orderer'));
    if (names.length < 2) throw new Error(`this suite needs a Raft of at least 2 nodes, not ${names.length}`);
    return names;
};
/** Enough nodes that the rest are not a majority. */
const quorumLoss = (): string[] => orderers().slice(0, Math.floor(orderers().length / 2) + 1);

afterAll(async () => {
    await network.up();
});

interface Write {
    readonly key: string;
    readonly body: { sha256: string; kind: string };
    readonly answer: Res;
    readonly ms: number;
}

describe('the ordering service losing its majority under writes in flight', () => {
    it('answers every write within a bounded time and loses or duplicates none on retry', async () => {
        const send = (key: string, body: Write['body']): Promise<Res> => m.vendor.api.post('/v1/documents', body, key);
        const writes = Array.from({ length: 6 }, () => ({ key: idem(), body: { sha256: hex64(), kind: 'INVOICE' } }));
        const started = Date.now();
        const inFlight = writes.map(async (w): Promise<Write> => {
            const answer = await send(w.key, w.body);
            return { ...w, answer, ms: Date.now() - started };
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        for (const name of quorumLoss()) network.crash(name);
        const answered = await Promise.all(inFlight);
        // one more write sent while the ordering service is down
        const late = { key: idem(), body: { sha256: hex64(), kind: 'INVOICE' } };
        const lateStarted = Date.now();
        answered.push({ ...late, answer: await send(late.key, late.body), ms: Date.now() - lateStarted });

        console.log(
            `${quorumLoss().join(' + ')} SIGKILL: answers ${answered.map((w) => `${w.answer.status} in ${w.ms} ms`).join(', ')}`,
        );
        for (const w of answered) {
            expect([201, 503]).toContain(w.answer.status);
            if (w.answer.status === 503) {
                expect(w.answer.body).toMatchObject({ error: { code: 'COMMIT_UNKNOWN', txId: expect.any(String) } });
            }
        }
        expect(answered.filter((w) => w.answer.status === 503).length).toBeGreaterThan(0);

        await network.up();
        for (const w of answered) {
            const final = await waitFor(
                `${w.key} to be resolved`,
                async () => {
                    const retry = await send(w.key, w.body);
                    return retry.status === 503 ? undefined : retry;
                },
                { timeoutMs: 90_000, intervalMs: 2000 },
            );
            expect(final.status).toBe(201);
            if (w.answer.status === 201) expect(final.body).toEqual(w.answer.body);
            const anchored = ok(await m.vendor.api.get(`/v1/documents/${w.body.sha256}`));
            expect(anchored).toMatchObject({ registered: true, document: { sha256: w.body.sha256 } });
        }
    }, 240_000);
});
