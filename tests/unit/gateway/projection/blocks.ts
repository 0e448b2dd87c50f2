import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

/**
 * Real Fabric block protobufs (as a peer's deliver service sends them with private data), built from a short
 * description, so the projection's tests parse exactly what a peer sends.
 */

export const CHAINCODE = 'mpt';

/** A composite key as fabric-shim builds it. */
export const compositeKey = (objectType: string, ...attributes: string[]): string =>
    `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;

export type Value = object | Uint8Array | null;

export interface WriteSpec {
    readonly key: string;
    /** A record (JSON), raw bytes, or null for a delete. */
    readonly value: Value;
    /** Another chaincode's namespace (default: {@link CHAINCODE}). */
    readonly namespace?: string;
}

export interface PrivateWriteSpec extends WriteSpec {
    readonly collection: string;
}

export interface TxSpec {
    readonly txId: string;
    readonly creatorMsp?: string;
    /** Fabric validation code (default VALID). */
    readonly code?: number;
    readonly writes: readonly WriteSpec[];
    /** Private writes: their hashes are in the block, their values in the deliver answer when `delivered`. */
    readonly privateWrites?: readonly PrivateWriteSpec[];
    /** Whether the peer delivers the private values (default true): false for a peer outside the collection. */
    readonly privateDelivered?: boolean;
    /** `chaincode`: the chaincode that set the event (default {@link CHAINCODE}). */
    readonly event?: { readonly name: string; readonly payload: object; readonly chaincode?: string };
    readonly at?: string;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
    return groups;
}

const bytesOf = (value: Value): Uint8Array =>
    value instanceof Uint8Array ? value : Buffer.from(JSON.stringify(value), 'utf8');

/** A certificate-sized identity (a peer's or client's PEM certificate is 800–900 bytes). */
function identity(mspId: string, who: string): Uint8Array {
    const identity = new msp.SerializedIdentity();
    identity.setMspid(mspId);
    identity.setIdBytes(
        Buffer.from(`-----BEGIN CERTIFICATE-----\n${who.padEnd(780, 'A')}\n-----END CERTIFICATE-----\n`),
    );
    return identity.serializeBinary();
}

/** A DER ECDSA signature's size. */
const signature = (): Uint8Array => new Uint8Array(71).fill(0x30);

/**
 * The write set of a namespace as an endorsement leaves it: a read of each written key (the chaincode reads a record
 * before writing it), a range query, then the writes.
 */
function kvWrites(writes: readonly WriteSpec[]): Uint8Array {
    const set = new ledger.rwset.kvrwset.KVRWSet();
    set.setReadsList(
        writes.map((spec) => {
            const read = new ledger.rwset.kvrwset.KVRead();
            read.setKey(spec.key);
            const version = new ledger.rwset.kvrwset.Version();
            version.setBlockNum(7);
            version.setTxNum(3);
            read.setVersion(version);
            return read;
        }),
    );
    const range = new ledger.rwset.kvrwset.RangeQueryInfo();
    range.setStartKey(writes[0]?.key ?? '');
    range.setEndKey(`${writes[0]?.key ?? ''}\uffff`);
    range.setItrExhausted(true);
    range.setRawReads(new ledger.rwset.kvrwset.QueryReads());
    set.setRangeQueriesInfoList([range]);
    set.setWritesList(
        writes.map((spec) => {
            const write = new ledger.rwset.kvrwset.KVWrite();
            write.setKey(spec.key);
            write.setIsDelete(spec.value === null);
            if (spec.value !== null) write.setValue(bytesOf(spec.value));
            return write;
        }),
    );
    return set.serializeBinary();
}

/** What the block holds of private writes: their hashes, per collection. */
function hashedWrites(writes: readonly PrivateWriteSpec[]): ledger.rwset.CollectionHashedReadWriteSet[] {
    return [...groupBy(writes, (write) => write.collection)].map(([name, inCollection]) => {
        const hashed = new ledger.rwset.kvrwset.HashedRWSet();
        hashed.setHashedWritesList(
            inCollection.map((write) => {
                const hash = new ledger.rwset.kvrwset.KVWriteHash();
                hash.setKeyHash(new Uint8Array(32).fill(1));
                hash.setValueHash(new Uint8Array(32).fill(2));
                hash.setIsDelete(write.value === null);
                return hash;
            }),
        );
        const collection = new ledger.rwset.CollectionHashedReadWriteSet();
        collection.setCollectionName(name);
        collection.setHashedRwset(hashed.serializeBinary());
        collection.setPvtRwsetHash(new Uint8Array(32).fill(3));
        return collection;
    });
}

/**
 * An endorser transaction's envelope with every part a peer's block has: the client's certificate and nonce, the
 * proposal's input, two endorsements (certificate and signature each), read sets, the private writes' hashes, the
 * chaincode's response and id, the signatures.
 */
function endorserEnvelope(spec: TxSpec): Uint8Array {
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setVersion(0);
    channelHeader.setChannelId('mychannel');
    channelHeader.setTxId(spec.txId);
    channelHeader.setEpoch(0);
    channelHeader.setTimestamp(Timestamp.fromDate(new Date(spec.at ?? '2026-11-29T10:00:00.000Z')));
    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(CHAINCODE);
    const headerExtension = new peer.ChaincodeHeaderExtension();
    headerExtension.setChaincodeId(chaincodeId);
    channelHeader.setExtension$(headerExtension.serializeBinary());
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(identity(spec.creatorMsp ?? 'MarketOrgMSP', `client ${spec.txId}`));
    signatureHeader.setNonce(new Uint8Array(24).fill(9));
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(signatureHeader.serializeBinary());

    const namespaces = groupBy(spec.writes, (write) => write.namespace ?? CHAINCODE);
    if ((spec.privateWrites ?? []).length > 0 && !namespaces.has(CHAINCODE)) namespaces.set(CHAINCODE, []);
    const results = new ledger.rwset.TxReadWriteSet();
    results.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    results.setNsRwsetList(
        [...namespaces].map(([ns, writes]) => {
            const set = new ledger.rwset.NsReadWriteSet();
            set.setNamespace(ns);
            set.setRwset(kvWrites(writes));
            if (ns === CHAINCODE) set.setCollectionHashedRwsetList(hashedWrites(spec.privateWrites ?? []));
            return set;
        }),
    );
    const action = new peer.ChaincodeAction();
    action.setResults(results.serializeBinary());
    if (spec.event !== undefined) {
        const event = new peer.ChaincodeEvent();
        event.setChaincodeId(spec.event.chaincode ?? CHAINCODE);
        event.setTxId(spec.txId);
        event.setEventName(spec.event.name);
        event.setPayload(bytesOf(spec.event.payload));
        action.setEvents(event.serializeBinary());
    }
    const response = new peer.Response();
    response.setStatus(200);
    response.setPayload(Buffer.from('{"ok":true}'));
    action.setResponse(response);
    const actionChaincode = new peer.ChaincodeID();
    actionChaincode.setName(CHAINCODE);
    actionChaincode.setVersion('1.0');
    action.setChaincodeId(actionChaincode);
    const responsePayload = new peer.ProposalResponsePayload();
    responsePayload.setProposalHash(new Uint8Array(32).fill(4));
    responsePayload.setExtension$(action.serializeBinary());
    const endorsed = new peer.ChaincodeEndorsedAction();
    endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
    endorsed.setEndorsementsList(
        ['MarketOrgMSP', 'CustomsOrgMSP'].map((mspId) => {
            const endorsement = new peer.Endorsement();
            endorsement.setEndorser(identity(mspId, `peer0 ${mspId}`));
            endorsement.setSignature(signature());
            return endorsement;
        }),
    );
    const proposalPayload = new peer.ChaincodeProposalPayload();
    proposalPayload.setInput(Buffer.from(JSON.stringify(spec.writes.map((write) => write.key))));
    const actionPayload = new peer.ChaincodeActionPayload();
    actionPayload.setChaincodeProposalPayload(proposalPayload.serializeBinary());
    actionPayload.setAction(endorsed);
    const transactionAction = new peer.TransactionAction();
    transactionAction.setHeader(signatureHeader.serializeBinary());
    transactionAction.setPayload(actionPayload.serializeBinary());
    const transaction = new peer.Transaction();
    transaction.setActionsList([transactionAction]);

    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(transaction.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    envelope.setSignature(signature());
    return envelope.serializeBinary();
}

function configEnvelope(): Uint8Array {
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.CONFIG);
    channelHeader.setChannelId('mychannel');
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(header);
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    return envelope.serializeBinary();
}

function privateData(spec: TxSpec): ledger.rwset.TxPvtReadWriteSet {
    const byCollection = groupBy(spec.privateWrites ?? [], (write) => write.collection);
    const ns = new ledger.rwset.NsPvtReadWriteSet();
    ns.setNamespace(CHAINCODE);
    ns.setCollectionPvtRwsetList(
        [...byCollection].map(([name, writes]) => {
            const collection = new ledger.rwset.CollectionPvtReadWriteSet();
            collection.setCollectionName(name);
            collection.setRwset(kvWrites(writes));
            return collection;
        }),
    );
    const set = new ledger.rwset.TxPvtReadWriteSet();
    set.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    set.setNsPvtRwsetList([ns]);
    return set;
}

/** A block as the deliver service sends it: `config` makes it a configuration block (like block 0). */
export function buildBlock(
    number: number,
    txs: readonly TxSpec[],
    options: { readonly config?: boolean } = {},
): peer.BlockAndPrivateData {
    const envelopes = options.config === true ? [configEnvelope()] : txs.map(endorserEnvelope);
    const codes =
        options.config === true
            ? [peer.TxValidationCode.VALID]
            : txs.map((tx) => tx.code ?? peer.TxValidationCode.VALID);
    const header = new common.BlockHeader();
    header.setNumber(number);
    const data = new common.BlockData();
    data.setDataList(envelopes);
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList([
        new Uint8Array(),
        new Uint8Array(),
        Uint8Array.from(codes),
        new Uint8Array(),
        new Uint8Array(),
    ]);
    const block = new common.Block();
    block.setHeader(header);
    block.setData(data);
    block.setMetadata(metadata);
    const delivered = new peer.BlockAndPrivateData();
    delivered.setBlock(block);
    txs.forEach((tx, index) => {
        if ((tx.privateWrites ?? []).length > 0 && tx.privateDelivered !== false) {
            delivered.getPrivateDataMapMap().set(index, privateData(tx));
        }
    });
    // a round trip through the wire format, as a peer's answer arrives
    return peer.BlockAndPrivateData.deserializeBinary(delivered.serializeBinary());
}
