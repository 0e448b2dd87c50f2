import type * as grpc from '@grpc/grpc-js';
import type { Gateway, Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { connectAs, newPeerClient, type OrgConnection } from '../../../network/client';
import type { LedgerIdentity } from '../ledger/ledger';
import type { BlockSource, BlockStream } from './projector';

/**
 * One org's own peer as a {@link BlockSource}: block events with the private data that peer holds (the deliver
 * service gives a client only the collections its org is a member of), read as `identity` (the org's registrar, a
 * member of the org with no ledger role). Its own gRPC connection, so the projection never competes with callers.
 */
export class FabricBlockSource implements BlockSource {
    readonly #client: grpc.Client;
    readonly #gateway: Gateway;
    readonly #network: Network;
    readonly #channel: string;

    constructor(connection: OrgConnection, identity: LedgerIdentity, channel: string) {
        this.#client = newPeerClient(connection);
        // a block stream has no deadline: it stays open to deliver blocks as they commit
        this.#gateway = connectAs(this.#client, identity);
        this.#network = this.#gateway.getNetwork(channel);
        this.#channel = channel;
    }

    async open(startBlock: number): Promise<BlockStream> {
        return this.#network.getBlockAndPrivateDataEvents({ startBlock: BigInt(startBlock) });
    }

    async height(): Promise<number> {
        const info = await this.#network.getContract('qscc').evaluateTransaction('GetChainInfo', this.#channel);
        return common.BlockchainInfo.deserializeBinary(info).getHeight();
    }

    close(): void {
        this.#gateway.close();
        this.#client.close();
    }
}
