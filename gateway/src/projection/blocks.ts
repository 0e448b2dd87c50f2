import { common, type ledger, peer } from '@hyperledger/fabric-protos';
import { MalformedMessage, WireFields } from './wire';

/** A key written by a transaction: `value` null when the key was deleted. */
export interface LedgerWrite {
    readonly key: string;
    readonly value: Uint8Array | null;
}

/** A write to a private data collection, as this peer holds it (absent from the block when it does not). */
export interface PrivateWrite extends LedgerWrite {
    readonly collection: string;
}

export interface ChaincodeEvent {
    readonly name: string;
    readonly payload: string;
}

/** One endorser transaction of a block, reduced to what the projection needs. */
export interface LedgerTransaction {
    readonly txId: string;
    /** Position in the block (the key of its private data in the deliver answer). */
    readonly index: number;
    /** ISO-8601, from the channel header (the time the chaincode saw as the transaction's time). */
    readonly timestamp: string;
    readonly creatorMsp: string;
    readonly valid: boolean;
    /** Fabric's validation code (0 = VALID). */
    readonly validationCode: number;
    readonly event: ChaincodeEvent | undefined;
    /** Whether the transaction ran the projected chaincode (lifecycle and other chaincodes' transactions do not). */
    readonly ofChaincode: boolean;
    /** Public writes to the projected chaincode's namespace, in write-set order. */
    readonly writes: readonly LedgerWrite[];
    /** Private writes to the projected chaincode's collections that this peer received. */
    readonly privateWrites: readonly PrivateWrite[];
}

export interface ParsedBlock {
    readonly number: number;
    /** Endorser transactions only (configuration transactions carry no chaincode state), in block order. */
    readonly transactions: readonly LedgerTransaction[];
}

const ENDORSER_TRANSACTION = common.HeaderType.ENDORSER_TRANSACTION;
const VALID = peer.TxValidationCode.VALID;
const NOT_VALIDATED = peer.TxValidationCode.NOT_VALIDATED;
const TRANSACTIONS_FILTER = common.BlockMetadataIndex.TRANSACTIONS_FILTER;

/*
 * Field numbers of the Fabric messages walked below (hyperledger/fabric-protos: common/common.proto,
 * peer/transaction.proto, peer/proposal.proto, peer/proposal_response.proto, peer/chaincode_event.proto,
 * ledger/rwset/rwset.proto, ledger/rwset/kvrwset/kv_rwset.proto, msp/identities.proto,
 * google/protobuf/timestamp.proto). Every other field is skipped unread.
 */
const ENVELOPE_PAYLOAD = 1;
const PAYLOAD_HEADER = 1;
const PAYLOAD_DATA = 2;
const HEADER_CHANNEL_HEADER = 1;
const HEADER_SIGNATURE_HEADER = 2;
const CHANNEL_HEADER_TYPE = 1;
const CHANNEL_HEADER_TIMESTAMP = 3;
const CHANNEL_HEADER_TX_ID = 5;
const TIMESTAMP_SECONDS = 1;
const TIMESTAMP_NANOS = 2;
const SIGNATURE_HEADER_CREATOR = 1;
const SERIALIZED_IDENTITY_MSPID = 1;
const TRANSACTION_ACTIONS = 1;
const TRANSACTION_ACTION_PAYLOAD = 2;
const CHAINCODE_ACTION_PAYLOAD_ACTION = 2;
const ENDORSED_ACTION_PROPOSAL_RESPONSE_PAYLOAD = 1;
const PROPOSAL_RESPONSE_PAYLOAD_EXTENSION = 2;
const CHAINCODE_ACTION_RESULTS = 1;
const CHAINCODE_ACTION_EVENTS = 2;
const TX_RWSET_NS_RWSET = 2;
const NS_RWSET_NAMESPACE = 1;
const NS_RWSET_RWSET = 2;
const KV_RWSET_WRITES = 3;
const KV_WRITE_KEY = 1;
const KV_WRITE_IS_DELETE = 2;
const KV_WRITE_VALUE = 3;
const EVENT_CHAINCODE_ID = 1;
const EVENT_NAME = 3;
const EVENT_PAYLOAD = 4;

/** A block whose bytes are not what a peer sends: the projection stops at it rather than write a wrong row. */
export class MalformedBlock extends Error {
    constructor(
        readonly blockNumber: number,
        readonly txIndex: number,
        cause: MalformedMessage,
    ) {
        super(`block ${blockNumber}, transaction ${txIndex}: malformed ${cause.message}`, { cause });
        this.name = 'MalformedBlock';
    }
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** The one length-delimited field `field` of a message (the last, if repeated); undefined when absent. */
function fieldOf(bytes: Uint8Array, name: string, field: number): Uint8Array | undefined {
    const fields = new WireFields(bytes, name);
    let found: Uint8Array | undefined;
    while (fields.next()) {
        if (fields.field === field) found = fields.bytes();
        else fields.skip();
    }
    return found;
}

/** Each occurrence of the repeated length-delimited field `field` of a message, in order. */
function eachOf(bytes: Uint8Array, name: string, field: number, each: (bytes: Uint8Array) => void): void {
    const fields = new WireFields(bytes, name);
    while (fields.next()) {
        if (fields.field === field) each(fields.bytes());
        else fields.skip();
    }
}

function writeOf(bytes: Uint8Array): LedgerWrite {
    const fields = new WireFields(bytes, 'kvrwset.KVWrite');
    let key = '';
    let isDelete = false;
    let value = EMPTY;
    while (fields.next()) {
        if (fields.field === KV_WRITE_KEY) key = fields.string();
        else if (fields.field === KV_WRITE_IS_DELETE) isDelete = fields.bool();
        else if (fields.field === KV_WRITE_VALUE) value = fields.bytes();
        else fields.skip();
    }
    return { key, value: isDelete ? null : value };
}

function writesOf(rwset: Uint8Array): LedgerWrite[] {
    const writes: LedgerWrite[] = [];
    eachOf(rwset, 'kvrwset.KVRWSet', KV_RWSET_WRITES, (write) => writes.push(writeOf(write)));
    return writes;
}

/** ISO-8601 of a google.protobuf.Timestamp, to the millisecond (the epoch when absent). */
function isoTime(timestamp: Uint8Array | undefined): string {
    let seconds = 0;
    let nanos = 0;
    if (timestamp !== undefined) {
        const fields = new WireFields(timestamp, 'google.protobuf.Timestamp');
        while (fields.next()) {
            if (fields.field === TIMESTAMP_SECONDS) seconds = fields.varint();
            else if (fields.field === TIMESTAMP_NANOS) nanos = fields.varint();
            else fields.skip();
        }
    }
    return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}

interface ChannelHeader {
    readonly type: number;
    readonly txId: string;
    readonly timestamp: Uint8Array | undefined;
}

function channelHeaderOf(bytes: Uint8Array): ChannelHeader {
    const fields = new WireFields(bytes, 'common.ChannelHeader');
    let type = 0;
    let txId = '';
    let timestamp: Uint8Array | undefined;
    while (fields.next()) {
        if (fields.field === CHANNEL_HEADER_TYPE) type = fields.varint();
        else if (fields.field === CHANNEL_HEADER_TX_ID) txId = fields.string();
        else if (fields.field === CHANNEL_HEADER_TIMESTAMP) timestamp = fields.bytes();
        else fields.skip();
    }
    return { type, txId, timestamp };
}

function mspIdOf(signatureHeader: Uint8Array): string {
    const creator = fieldOf(signatureHeader, 'common.SignatureHeader', SIGNATURE_HEADER_CREATOR) ?? EMPTY;
    const fields = new WireFields(creator, 'msp.SerializedIdentity');
    let mspId = '';
    while (fields.next()) {
        if (fields.field === SERIALIZED_IDENTITY_MSPID) mspId = fields.string();
        else fields.skip();
    }
    return mspId;
}

interface Actions {
    ofChaincode: boolean;
    readonly writes: LedgerWrite[];
    event: ChaincodeEvent | undefined;
}

/** The event of a chaincode action, when it is `chaincode`'s and named. */
function eventOf(bytes: Uint8Array, chaincode: string): ChaincodeEvent | undefined {
    const fields = new WireFields(bytes, 'protos.ChaincodeEvent');
    let chaincodeId = '';
    let name = '';
    let payload = EMPTY;
    while (fields.next()) {
        if (fields.field === EVENT_CHAINCODE_ID) chaincodeId = fields.string();
        else if (fields.field === EVENT_NAME) name = fields.string();
        else if (fields.field === EVENT_PAYLOAD) payload = fields.bytes();
        else fields.skip();
    }
    if (chaincodeId !== chaincode || name === '') return undefined;
    return { name, payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8') };
}

/** Adds `chaincode`'s writes (from its namespace's read-write set) and event of one chaincode action. */
function addChaincodeAction(bytes: Uint8Array, chaincode: string, into: Actions): void {
    let results = EMPTY;
    let events = EMPTY;
    const fields = new WireFields(bytes, 'protos.ChaincodeAction');
    while (fields.next()) {
        if (fields.field === CHAINCODE_ACTION_RESULTS) results = fields.bytes();
        else if (fields.field === CHAINCODE_ACTION_EVENTS) events = fields.bytes();
        else fields.skip();
    }
    eachOf(results, 'rwset.TxReadWriteSet', TX_RWSET_NS_RWSET, (ns) => {
        const nsFields = new WireFields(ns, 'rwset.NsReadWriteSet');
        let namespace = '';
        let rwset = EMPTY;
        while (nsFields.next()) {
            if (nsFields.field === NS_RWSET_NAMESPACE) namespace = nsFields.string();
            else if (nsFields.field === NS_RWSET_RWSET) rwset = nsFields.bytes();
            else nsFields.skip();
        }
        if (namespace !== chaincode) return;
        into.ofChaincode = true;
        into.writes.push(...writesOf(rwset));
    });
    if (events.length > 0) into.event = eventOf(events, chaincode) ?? into.event;
}

/** The chaincode's writes and event from each action of an endorser transaction (`peer.Transaction`). */
function actionsOf(transaction: Uint8Array, chaincode: string): Actions {
    const actions: Actions = { ofChaincode: false, writes: [], event: undefined };
    eachOf(transaction, 'protos.Transaction', TRANSACTION_ACTIONS, (action) => {
        const payload = fieldOf(action, 'protos.TransactionAction', TRANSACTION_ACTION_PAYLOAD) ?? EMPTY;
        const endorsed = fieldOf(payload, 'protos.ChaincodeActionPayload', CHAINCODE_ACTION_PAYLOAD_ACTION);
        if (endorsed === undefined) return;
        const response =
            fieldOf(endorsed, 'protos.ChaincodeEndorsedAction', ENDORSED_ACTION_PROPOSAL_RESPONSE_PAYLOAD) ?? EMPTY;
        const extension =
            fieldOf(response, 'protos.ProposalResponsePayload', PROPOSAL_RESPONSE_PAYLOAD_EXTENSION) ?? EMPTY;
        addChaincodeAction(extension, chaincode, actions);
    });
    return actions;
}

function privateWritesOf(data: ledger.rwset.TxPvtReadWriteSet | undefined, chaincode: string): PrivateWrite[] {
    const writes: PrivateWrite[] = [];
    for (const ns of data?.getNsPvtRwsetList() ?? []) {
        if (ns.getNamespace() !== chaincode) continue;
        for (const collection of ns.getCollectionPvtRwsetList()) {
            const name = collection.getCollectionName();
            for (const write of writesOf(collection.getRwset_asU8())) {
                writes.push({ ...write, collection: name });
            }
        }
    }
    return writes;
}

/** An envelope's payload: its header (undefined when it has none) and its data. */
function payloadOf(envelope: Uint8Array): { readonly header: Uint8Array | undefined; readonly data: Uint8Array } {
    const payload = fieldOf(envelope, 'common.Envelope', ENVELOPE_PAYLOAD) ?? EMPTY;
    let header: Uint8Array | undefined;
    let data = EMPTY;
    const fields = new WireFields(payload, 'common.Payload');
    while (fields.next()) {
        if (fields.field === PAYLOAD_HEADER) header = fields.bytes();
        else if (fields.field === PAYLOAD_DATA) data = fields.bytes();
        else fields.skip();
    }
    return { header, data };
}

/** A payload header's channel header and signature header. */
function headersOf(header: Uint8Array): { readonly channel: ChannelHeader; readonly signature: Uint8Array } {
    let channel = EMPTY;
    let signature = EMPTY;
    const fields = new WireFields(header, 'common.Header');
    while (fields.next()) {
        if (fields.field === HEADER_CHANNEL_HEADER) channel = fields.bytes();
        else if (fields.field === HEADER_SIGNATURE_HEADER) signature = fields.bytes();
        else fields.skip();
    }
    return { channel: channelHeaderOf(channel), signature };
}

/** One envelope of a block as the projection needs it; undefined for a configuration (or any non-endorser) one. */
function transactionOf(
    envelope: Uint8Array,
    index: number,
    validationCode: number,
    privateData: ledger.rwset.TxPvtReadWriteSet | undefined,
    chaincode: string,
): LedgerTransaction | undefined {
    const { header, data } = payloadOf(envelope);
    if (header === undefined) return undefined;
    const headers = headersOf(header);
    if (headers.channel.type !== ENDORSER_TRANSACTION) return undefined;
    const creatorMsp = mspIdOf(headers.signature);
    const valid = validationCode === VALID;
    const actions = valid ? actionsOf(data, chaincode) : { ofChaincode: false, writes: [], event: undefined };
    return {
        txId: headers.channel.txId,
        index,
        timestamp: isoTime(headers.channel.timestamp),
        creatorMsp,
        valid,
        validationCode,
        event: actions.event,
        ofChaincode: actions.ofChaincode,
        writes: actions.writes,
        privateWrites: valid ? privateWritesOf(privateData, chaincode) : [],
    };
}

/**
 * Reads a block (with the private data the peer delivered for it) as the projection needs it: every endorser
 * transaction with its validation code, creator, time, event and the writes of `chaincode`'s namespace. The
 * envelopes and write sets are walked in their wire format ({@link WireFields}) down to those fields only; bytes that
 * are not a Fabric envelope throw {@link MalformedBlock}.
 */
export function parseBlock(delivered: peer.BlockAndPrivateData, chaincode: string): ParsedBlock {
    const block = delivered.getBlock();
    if (block === undefined) throw new Error('block event without a block');
    const number = block.getHeader()?.getNumber() ?? 0;
    const codes = block.getMetadata()?.getMetadataList_asU8()[TRANSACTIONS_FILTER];
    const privateData = delivered.getPrivateDataMapMap();
    const transactions: LedgerTransaction[] = [];
    (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, index) => {
        // a block without the filter has not been validated: never the case for a committed block
        const validationCode = codes?.[index] ?? NOT_VALIDATED;
        try {
            const tx = transactionOf(envelope, index, validationCode, privateData.get(index), chaincode);
            if (tx !== undefined) transactions.push(tx);
        } catch (error) {
            if (error instanceof MalformedMessage) throw new MalformedBlock(number, index, error);
            throw error;
        }
    });
    return { number, transactions };
}
