import { describe, expect, test } from '@jest/globals';
import { common, peer } from '@hyperledger/fabric-protos';
import { parseBlock, type ParsedBlock } from '../../../../gateway/src/projection';
import { MalformedBlock } from '../../../../gateway/src/projection/blocks';
import { genesisBlock, marketHistory } from '../../../bench/history';
import { buildBlock, CHAINCODE, compositeKey, type TxSpec } from './blocks';
import { parseBlockWithProtos } from './protos-oracle';
import { partyPrivateWrite, partyWrite, party, payerWrite, trade, tradeWrite } from './records';

/**
 * The block parser walks Fabric's protobufs in their wire format; fabric-protos' generated decoders, which build
 * every message, are its oracle: on every block both must read exactly the same, and bytes that are not a block must
 * stop it with an error naming the block.
 */

const MVCC_READ_CONFLICT = peer.TxValidationCode.MVCC_READ_CONFLICT;

function bothWays(delivered: peer.BlockAndPrivateData): ParsedBlock {
    const parsed = parseBlock(delivered, CHAINCODE);
    expect(parsed).toEqual(parseBlockWithProtos(delivered, CHAINCODE));
    return parsed;
}

/** Every shape of transaction a block of ours can hold, in one block. */
const everyShape: TxSpec[] = [
    {
        txId: 'registered',
        writes: [tradeWrite(trade('T-1', 'registered'))],
        event: { name: 'TradeRegistered', payload: { tradeNo: 'T-1' } },
    },
    { txId: 'deleted', writes: [{ key: compositeKey('trade', 'T-9'), value: null }] },
    {
        txId: 'empty value',
        writes: [{ key: compositeKey('idx~trade~date', '2026-11-28', 'T-1'), value: new Uint8Array(0) }],
    },
    { txId: 'no writes', writes: [] },
    {
        txId: 'lifecycle',
        writes: [{ key: 'namespaces/fields/mpt/Sequence', value: { v: 1 }, namespace: '_lifecycle' }],
    },
    {
        txId: 'two namespaces',
        writes: [
            { key: 'namespaces/fields/mpt/Sequence', value: { v: 2 }, namespace: '_lifecycle' },
            partyWrite(party('M001', 'two namespaces', { legalName: '义乌小商品城 (Yiwu) ✓' })),
        ],
        event: { name: 'Other', payload: { from: 'another chaincode' }, chaincode: 'othercc' },
    },
    {
        txId: 'invalid',
        code: MVCC_READ_CONFLICT,
        writes: [tradeWrite(trade('T-2', 'invalid'))],
        privateWrites: [payerWrite('BankOrgMSP:R9')],
    },
    {
        txId: 'private delivered',
        creatorMsp: 'BankOrgMSP',
        writes: [partyWrite(party('M002', 'private delivered'))],
        privateWrites: [partyPrivateWrite('M002', 'ID-1'), payerWrite('BankOrgMSP:R1')],
    },
    {
        txId: 'private withheld',
        writes: [partyWrite(party('M003', 'private withheld'))],
        privateWrites: [partyPrivateWrite('M003', 'ID-3')],
        privateDelivered: false,
    },
    { txId: 'far future', at: '2106-03-01T00:00:00.123Z', writes: [tradeWrite(trade('T-3', 'far future'))] },
];

/** A protobuf field by hand: a tag, then a varint or length-delimited value. */
function field(number: number, value: Uint8Array | number): Uint8Array {
    const varint = (n: number): number[] => {
        const out: number[] = [];
        let rest = n;
        while (rest >= 0x80) {
            out.push((rest % 0x80) | 0x80);
            rest = Math.floor(rest / 0x80);
        }
        return [...out, rest];
    };
    if (typeof value === 'number') return Uint8Array.from([...varint(number * 8), ...varint(value)]);
    return Uint8Array.from([...varint(number * 8 + 2), ...varint(value.length), ...value]);
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

/** `delivered` with its envelopes replaced. */
function withEnvelopes(delivered: peer.BlockAndPrivateData, envelopes: Uint8Array[]): peer.BlockAndPrivateData {
    delivered.getBlock()?.getData()?.setDataList(envelopes);
    return delivered;
}

const envelopesOf = (delivered: peer.BlockAndPrivateData): Uint8Array[] =>
    delivered.getBlock()?.getData()?.getDataList_asU8() ?? [];

describe('the block parser against fabric-protos', () => {
    test("reads the catch-up bench's market history exactly as fabric-protos does", () => {
        const blocks = [genesisBlock(), ...marketHistory(2_000)];
        const parsed = blocks.map(bothWays);
        const txs = parsed.flatMap((block) => block.transactions);
        // not vacuous: thousands of transactions with writes, events and the bank's private data were compared
        expect(txs.length).toBeGreaterThanOrEqual(2_000);
        expect(txs.filter((tx) => tx.writes.length > 0).length).toBe(txs.length);
        expect(txs.filter((tx) => tx.event !== undefined).length).toBe(txs.length);
        expect(txs.some((tx) => tx.privateWrites.length > 0)).toBe(true);
    });

    test('reads every shape of transaction exactly as fabric-protos does', () => {
        const [registered, deleted, empty, none, lifecycle, two, invalid, delivered, withheld, future] = bothWays(
            buildBlock(7, everyShape),
        ).transactions;
        expect(registered).toMatchObject({ ofChaincode: true, event: { name: 'TradeRegistered' } });
        expect(deleted?.writes).toEqual([{ key: compositeKey('trade', 'T-9'), value: null }]);
        expect(empty?.writes).toEqual([
            { key: compositeKey('idx~trade~date', '2026-11-28', 'T-1'), value: new Uint8Array(0) },
        ]);
        expect(none).toMatchObject({ ofChaincode: false, writes: [] });
        expect(lifecycle).toMatchObject({ valid: true, ofChaincode: false, writes: [] });
        expect(two).toMatchObject({ ofChaincode: true, event: undefined });
        expect(two?.writes.map((write) => write.key)).toEqual([compositeKey('party', 'M001')]);
        expect(invalid).toMatchObject({
            valid: false,
            validationCode: MVCC_READ_CONFLICT,
            writes: [],
            privateWrites: [],
        });
        expect(delivered?.privateWrites.map((write) => write.collection)).toHaveLength(2);
        expect(delivered?.creatorMsp).toBe('BankOrgMSP');
        expect(withheld).toMatchObject({ ofChaincode: true, privateWrites: [] });
        expect(future?.timestamp).toBe('2106-03-01T00:00:00.123Z');
    });

    test('reads a configuration block and a block without validation codes as fabric-protos does', () => {
        expect(bothWays(buildBlock(0, [], { config: true })).transactions).toEqual([]);
        const unvalidated = buildBlock(3, everyShape.slice(0, 2));
        unvalidated.getBlock()?.getMetadata()?.setMetadataList([]);
        expect(bothWays(unvalidated).transactions.map((tx) => tx.validationCode)).toEqual([
            peer.TxValidationCode.NOT_VALIDATED,
            peer.TxValidationCode.NOT_VALIDATED,
        ]);
    });

    test('reads fields in any order, with unknown fields between them, as fabric-protos does', () => {
        const [envelope = new Uint8Array()] = envelopesOf(buildBlock(1, everyShape.slice(0, 1)));
        const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
        const header = payload.getHeader() ?? new common.Header();
        const reordered = concat(
            field(99, 12345),
            field(2, payload.getData_asU8()),
            field(40, Uint8Array.from([1, 2, 3])),
            field(1, concat(field(2, header.getSignatureHeader_asU8()), field(1, header.getChannelHeader_asU8()))),
        );
        const parsed = bothWays(withEnvelopes(buildBlock(1, everyShape.slice(0, 1)), [field(1, reordered)]));
        expect(parsed.transactions[0]?.txId).toBe('registered');
    });
});

describe('bytes that are not a block', () => {
    test('an envelope cut at any byte is refused naming its block and transaction, or read as fabric-protos reads it', () => {
        const [envelope = new Uint8Array()] = envelopesOf(buildBlock(5, everyShape.slice(7, 8)));
        let refused = 0;
        for (let length = 1; length < envelope.length; length += 1) {
            const delivered = withEnvelopes(buildBlock(5, everyShape.slice(7, 8)), [envelope.subarray(0, length)]);
            try {
                const parsed = parseBlock(delivered, CHAINCODE);
                expect(parsed).toEqual(parseBlockWithProtos(delivered, CHAINCODE));
            } catch (error) {
                expect(error).toBeInstanceOf(MalformedBlock);
                expect((error as Error).message).toMatch(/^block 5, transaction 0: malformed /);
                refused += 1;
            }
        }
        // every cut breaks a length but the one right after the whole payload (read as an envelope without signature)
        expect(refused).toBe(envelope.length - 2);
    });

    test('a field of the wrong wire type, an over-long varint and a broken private write set are refused', () => {
        const wrongType = field(1, 7);
        const longVarint = Uint8Array.from([0x78, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        expect(() => parseBlock(withEnvelopes(buildBlock(8, everyShape.slice(0, 1)), [wrongType]), CHAINCODE)).toThrow(
            'block 8, transaction 0: malformed common.Envelope: field 1 is varint, expected length-delimited at byte 0',
        );
        expect(() =>
            parseBlock(withEnvelopes(buildBlock(8, everyShape.slice(0, 1)), [field(1, longVarint)]), CHAINCODE),
        ).toThrow('block 8, transaction 0: malformed common.Payload: varint longer than 10 bytes at byte 1');

        const delivered = buildBlock(9, everyShape.slice(7, 8));
        const collection = delivered
            .getPrivateDataMapMap()
            .get(0)
            ?.getNsPvtRwsetList()[0]
            ?.getCollectionPvtRwsetList()[0];
        collection?.setRwset(Uint8Array.from([0x1a, 0x05, 0x0a]));
        expect(() => parseBlock(delivered, CHAINCODE)).toThrow(
            /^block 9, transaction 0: malformed kvrwset\.KVRWSet: field 3 of 5 bytes runs past the end at byte 0$/,
        );
    });
});
