import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type {
    ChaincodeEvent,
    LedgerTransaction,
    LedgerWrite,
    ParsedBlock,
    PrivateWrite,
} from '../../../../gateway/src/projection/blocks';

/*
 * The oracle of the product's block parser (gateway/src/projection/blocks.ts walks the wire format): the same
 * reading of a block done with fabric-protos' generated decoders, which build every message. Tests only.
 */

const ENDORSER_TRANSACTION = common.HeaderType.ENDORSER_TRANSACTION;
const VALID = peer.TxValidationCode.VALID;

function writesOf(rwset: Uint8Array): LedgerWrite[] {
    return ledger.rwset.kvrwset.KVRWSet.deserializeBinary(rwset)
        .getWritesList()
        .map((write) => ({ key: write.getKey(), value: write.getIsDelete() ? null : write.getValue_asU8() }));
}

function isoTime(header: common.ChannelHeader): string {
    const timestamp = header.getTimestamp();
    const millis = timestamp === undefined ? 0 : timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6);
    return new Date(millis).toISOString();
}

interface Actions {
    readonly ofChaincode: boolean;
    readonly writes: LedgerWrite[];
    readonly event: ChaincodeEvent | undefined;
}

/** The chaincode's writes and event from each action of an endorser transaction. */
function actionsOf(payload: common.Payload, chaincode: string): Actions {
    const writes: LedgerWrite[] = [];
    let event: ChaincodeEvent | undefined;
    let ofChaincode = false;
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    for (const action of transaction.getActionsList()) {
        const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
        const responsePayload = actionPayload.getAction()?.getProposalResponsePayload_asU8();
        if (responsePayload === undefined) continue;
        const chaincodeAction = peer.ChaincodeAction.deserializeBinary(
            peer.ProposalResponsePayload.deserializeBinary(responsePayload).getExtension$() as Uint8Array,
        );
        const results = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
        for (const ns of results.getNsRwsetList()) {
            if (ns.getNamespace() !== chaincode) continue;
            ofChaincode = true;
            writes.push(...writesOf(ns.getRwset_asU8()));
        }
        const eventBytes = chaincodeAction.getEvents_asU8();
        if (eventBytes.length > 0) {
            const decoded = peer.ChaincodeEvent.deserializeBinary(eventBytes);
            if (decoded.getChaincodeId() === chaincode && decoded.getEventName() !== '') {
                event = {
                    name: decoded.getEventName(),
                    payload: Buffer.from(decoded.getPayload_asU8()).toString('utf8'),
                };
            }
        }
    }
    return { ofChaincode, writes, event };
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

/**
 * Reads a block (with the private data the peer delivered for it) as the projection needs it: every endorser
 * transaction with its validation code, creator, time, event and the writes of `chaincode`'s namespace.
 */
export function parseBlockWithProtos(delivered: peer.BlockAndPrivateData, chaincode: string): ParsedBlock {
    const block = delivered.getBlock();
    if (block === undefined) throw new Error('block event without a block');
    const number = block.getHeader()?.getNumber() ?? 0;
    const codes = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
    const privateData = delivered.getPrivateDataMapMap();
    const transactions: LedgerTransaction[] = [];
    block
        .getData()
        ?.getDataList_asU8()
        .forEach((bytes, index) => {
            const payload = common.Payload.deserializeBinary(
                common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
            );
            const header = payload.getHeader();
            if (header === undefined) return;
            const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
            if (channelHeader.getType() !== ENDORSER_TRANSACTION) return;
            const creator = msp.SerializedIdentity.deserializeBinary(
                common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8(),
            );
            // a block without the filter has not been validated: never the case for a committed block
            const validationCode = codes?.[index] ?? peer.TxValidationCode.NOT_VALIDATED;
            const valid = validationCode === VALID;
            const actions = valid
                ? actionsOf(payload, chaincode)
                : { ofChaincode: false, writes: [], event: undefined };
            transactions.push({
                txId: channelHeader.getTxId(),
                index,
                timestamp: isoTime(channelHeader),
                creatorMsp: creator.getMspid(),
                valid,
                validationCode,
                event: actions.event,
                ofChaincode: actions.ofChaincode,
                writes: actions.writes,
                privateWrites: valid ? privateWritesOf(privateData.get(index), chaincode) : [],
            });
        });
    return { number, transactions };
}
