import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { REGISTRAR } from '../../network/client';
import { ledgerIdentity } from '../../gateway/src/auth/identities';
import { newLogger } from '../../gateway/src/ops/logger';
import {
    openReadModel,
    parseBlock,
    startProjections,
    type ParsedBlock,
    type Projections,
    type ReadModelDatabase,
} from '../../gateway/src/projection';
import { readCheckpoint } from '../../gateway/src/projection/apply';
import { FabricBlockSource } from '../../gateway/src/projection/fabric-source';
import { parseBlockWithProtos } from '../unit/gateway/projection/protos-oracle';
import { dump } from '../unit/gateway/projection/support';
import { common, peer } from '@hyperledger/fabric-protos';
import { channelHeight, marketSuite, network, ok, str, tradeBody } from './gateway-support';
import { onChannelAs, uniqueId } from './support';

/**
 * The read side on the real network: the gateway projects each org's own peer into that org's read model (SQLite
 * under its data directory). A write is there within seconds with its txId and block; the bank's model lacks the
 * MarketOrg collection it is not a member of; a projector stopped in the middle of writes and started again holds
 * exactly the ledger's transactions, equal to the gateway's uninterrupted one.
 */
const { gw, m } = marketSuite({ MPT_PROJECTION: 'on' });
const ORGS = ['MarketOrg', 'CustomsOrg', 'BankOrg', 'Bank2Org'] as const;
const opened: ReadModelDatabase[] = [];
const scratch: string[] = [];

afterAll(async () => {
    await Promise.all(opened.map((database) => database.close()));
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A reader's own handle on an org's read model (the projector writes through another). */
async function readModel(dataDir: string, org: string): Promise<ReadModelDatabase> {
    const database = await openReadModel({ dataDir, name: org });
    opened.push(database);
    return database;
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

/** The VALID transactions of the chaincode in blocks `from`.. as the peer's ledger has them now (qscc). */
async function chaincodeTransactionsSince(from: number): Promise<string[]> {
    const to = await channelHeight();
    const { channel, chaincode } = network.connectionProfile();
    return onChannelAs(network, 'MarketOrg', network.wallet('MarketOrg').get('operator1'), async (net) => {
        const qscc = net.getContract('qscc');
        const found: string[] = [];
        for (let number = from; number < to; number++) {
            const delivered = new peer.BlockAndPrivateData();
            delivered.setBlock(
                common.Block.deserializeBinary(
                    await qscc.evaluateTransaction('GetBlockByNumber', channel, String(number)),
                ),
            );
            const { transactions } = parseBlock(delivered, chaincode);
            found.push(...transactions.filter((tx) => tx.valid && tx.ofChaincode).map((tx) => tx.txId));
        }
        return found;
    });
}

/** Resolves once the read model has applied every block the channel has now. */
async function caughtUp(database: ReadModelDatabase, ms = 60_000): Promise<number> {
    const last = (await channelHeight()) - 1;
    await until(async () => ((await readCheckpoint(database.db))?.blockNumber ?? -1) >= last, ms, `block ${last}`);
    return last;
}

describe('each organisation projects its own peer', () => {
    it('a trade registered through the gateway is in the MarketOrg read model within seconds, with its txId and block', async () => {
        const tradeNo = uniqueId('PT');
        const written = ok(await m.vendor.api.post('/v1/trades', tradeBody(m, tradeNo)), 201);
        const market = await readModel(gw.dataDir, 'MarketOrg');
        const row = (): Promise<unknown> =>
            market.db.selectFrom('trades').selectAll().where('trade_no', '=', tradeNo).executeTakeFirst();
        await until(async () => (await row()) !== undefined, 10_000, `trade ${tradeNo} in the read model`);

        expect(await row()).toMatchObject({
            trade_no: tradeNo,
            status: 'CONFIRMED',
            vendor_id: m.ids.vendor,
            cluster_id: m.ids.cluster,
            owner_msp: 'MarketOrgMSP',
            tx_id: str(written, 'txId'),
            block_number: Number(str(written, 'blockNumber')),
        });
        const lines = await market.db.selectFrom('trade_lines').selectAll().where('trade_no', '=', tradeNo).execute();
        expect(lines.map((line) => [line.line_id, line.goods_code, line.amount])).toEqual([
            ['L1', m.goodsCode, 120_000],
        ]);
    });

    it('/readyz shows every org read model following its peer with no lag', async () => {
        const height = await channelHeight();
        let body: unknown;
        await until(
            async () => {
                const res = await fetch(`${gw.url}/readyz`);
                body = await res.json();
                const projections = (
                    body as { projections?: { lagBlocks: number | null; peerHeight: number | null }[] }
                ).projections;
                return (
                    projections?.length === ORGS.length &&
                    projections.every((p) => p.lagBlocks === 0 && (p.peerHeight ?? 0) >= height)
                );
            },
            30_000,
            'every projection at the peer height',
        );
        expect(body).toMatchObject({
            status: 'ready',
            projections: ORGS.map((org) => ({ org, state: 'following', lagBlocks: 0 })),
        });
    });

    it("each bank's read model has the channel's records but not the MarketOrg collection; market and customs have both", async () => {
        const models = await Promise.all(ORGS.map((org) => readModel(gw.dataDir, org)));
        await Promise.all(models.map((model) => caughtUp(model)));
        const buyer = m.ids.buyer;
        const seen = await Promise.all(
            models.map(async ({ db }) => ({
                party: (
                    await db.selectFrom('parties').select('status').where('party_id', '=', buyer).executeTakeFirst()
                )?.status,
                idNumber: (
                    await db
                        .selectFrom('party_private')
                        .select('id_number')
                        .where('party_id', '=', buyer)
                        .executeTakeFirst()
                )?.id_number,
            })),
        );
        const [market, customs, bank, bank2] = seen;
        expect(market?.party).toBe('ACTIVE');
        expect(market?.idNumber).toMatch(/^P[0-9A-F]{12}$/);
        expect(customs).toEqual(market);
        expect(bank).toEqual({ party: 'ACTIVE', idNumber: undefined });
        expect(bank2).toEqual(bank);
        for (const bankModel of models.slice(2)) {
            expect(await bankModel.db.selectFrom('party_private').selectAll().execute()).toEqual([]);
        }
    });

    it('a projector stopped in the middle of writes and started again holds the ledger exactly: no gap, no duplicate', async () => {
        const profile = network.connectionProfile();
        const marketOnly = { ...profile, orgs: profile.orgs.filter((org) => org.org === 'MarketOrg') };
        const readers = new Map([['MarketOrgMSP', ledgerIdentity(network.wallet('MarketOrg').get(REGISTRAR))]]);
        const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-projection-'));
        scratch.push(dataDir);
        const start = (): Projections =>
            startProjections({
                profile: marketOnly,
                readers,
                dataDir,
                databaseUrl: undefined,
                logger: newLogger('silent'),
            });

        // stopped as soon as it has applied a block: in the middle of catching up with the channel's history
        const own = await readModel(dataDir, 'MarketOrg');
        const first = start();
        await until(async () => (await readCheckpoint(own.db)) !== undefined, 30_000, 'first block applied');
        await first.stop();
        const stoppedAt = (await readCheckpoint(own.db))?.blockNumber ?? -1;
        for (const n of [1, 2]) ok(await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId(`PR${n}`))), 201);

        const second = start();
        try {
            const last = await caughtUp(own);
            const gateways = await readModel(gw.dataDir, 'MarketOrg');
            await caughtUp(gateways);
            expect(stoppedAt).toBeLessThan(last - 1);

            // the block the first run applied last, and every one after it, as the ledger has them
            const from = stoppedAt;
            const onLedger = await chaincodeTransactionsSince(from);
            const projected = await own.db
                .selectFrom('transactions')
                .select('tx_id')
                .where('block_number', '>=', from)
                .orderBy('block_number')
                .orderBy('tx_index')
                .execute();
            expect(projected.map((tx) => tx.tx_id)).toEqual(onLedger);
            expect(onLedger.length).toBeGreaterThanOrEqual(2);
            const checkpoint = await readCheckpoint(own.db);
            const count = await own.db
                .selectFrom('transactions')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow();
            expect(count.n).toBe(checkpoint?.txCount);
            expect(await dump(own.db)).toEqual(await dump(gateways.db));
        } finally {
            await second.stop();
        }
    });
});

/** Blocks 0..`height` - 1 as `orgName`'s peer delivers them (with the private data it holds), each read both ways. */
async function deliveredBothWays(
    orgName: string,
    height: number,
): Promise<{ parsed: ParsedBlock; envelopes: number }[]> {
    const profile = network.connectionProfile();
    const org = profile.orgs.find((candidate) => candidate.org === orgName);
    if (org === undefined) throw new Error(`no ${orgName} in the connection profile`);
    const source = new FabricBlockSource(org, ledgerIdentity(network.wallet(orgName).get(REGISTRAR)), profile.channel);
    const read: { parsed: ParsedBlock; envelopes: number }[] = [];
    try {
        const stream = await source.open(0);
        try {
            for await (const delivered of stream) {
                const parsed = parseBlock(delivered, profile.chaincode);
                expect(parsed).toEqual(parseBlockWithProtos(delivered, profile.chaincode));
                read.push({ parsed, envelopes: delivered.getBlock()?.getData()?.getDataList().length ?? 0 });
                if (parsed.number >= height - 1) break;
            }
        } finally {
            stream.close();
        }
    } finally {
        source.close();
    }
    return read;
}

describe('the block parser on what real peers deliver', () => {
    it.each(['MarketOrg', 'BankOrg'] as const)(
        "every block %s's peer delivers (with its private data) reads as fabric-protos' decoders read it",
        async (orgName) => {
            ok(await m.vendor.api.post('/v1/trades', tradeBody(m, uniqueId('PW'))), 201);
            const read = await deliveredBothWays(orgName, await channelHeight());
            const txs = read.flatMap(({ parsed }) => parsed.transactions);
            // the comparison covered the shapes a channel's history holds: its configuration blocks, the lifecycle's
            // transactions, the chaincode's own, and private data where the org is a member of a collection
            expect(
                read.filter(({ parsed, envelopes }) => parsed.transactions.length < envelopes).length,
            ).toBeGreaterThan(0);
            expect(txs.filter((tx) => tx.valid && !tx.ofChaincode).length).toBeGreaterThan(0);
            expect(txs.filter((tx) => tx.ofChaincode).length).toBeGreaterThan(0);
            if (orgName === 'MarketOrg')
                expect(txs.filter((tx) => tx.privateWrites.length > 0).length).toBeGreaterThan(0);
        },
    );
});
