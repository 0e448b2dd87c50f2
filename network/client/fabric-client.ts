import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type ConnectOptions, type Gateway } from '@hyperledger/fabric-gateway';
import type { OrgConnection } from './connection';
import type { StoredIdentity } from './wallet';

/** One gRPC connection to an org's peer; share it between the gateways of many callers. */
export function newPeerClient(connection: OrgConnection): grpc.Client {
    const credentials = grpc.credentials.createSsl(readFileSync(connection.peerTlsCaFile));
    return new grpc.Client(connection.peerEndpoint, credentials, {
        'grpc.ssl_target_name_override': connection.peerHostAlias,
    });
}

const seconds =
    (n: number): (() => grpc.CallOptions) =>
    () => ({ deadline: Date.now() + n * 1000 });

/** A Fabric Gateway that signs every proposal and transaction as `identity` (the real caller). */
export function connectAs(
    client: grpc.Client,
    identity: StoredIdentity,
    overrides: Partial<ConnectOptions> = {},
): Gateway {
    return connect({
        client,
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
        signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
        hash: hash.sha256,
        evaluateOptions: seconds(10),
        endorseOptions: seconds(30),
        submitOptions: seconds(10),
        commitStatusOptions: seconds(60),
        ...overrides,
    });
}
