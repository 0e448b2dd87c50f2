import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type ConnectOptions, type Gateway } from '@hyperledger/fabric-gateway';
import { lowS } from './ca/der';
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

/**
 * How proposals and transactions are signed with `privateKeyPem`. A P-256 key (what the orgs' CAs issue) signs with
 * Node's own crypto (OpenSSL): fabric-gateway's default signer is pure JavaScript (@noble/curves) and took ~4 ms a
 * signature on the shared bench machine against ~0.2 ms (a write signs three times), the largest item of the
 * gateway's CPU profile. OpenSSL hashes the message itself (so `hash.none`) and may answer either S half; Fabric
 * accepts only low S. Other curves keep fabric-gateway's signer.
 */
export function signingOptions(privateKeyPem: string): Pick<ConnectOptions, 'signer' | 'hash'> {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        return { signer: signers.newPrivateKeySigner(key), hash: hash.sha256 };
    }
    return {
        signer: (message) => Promise.resolve(lowS(sign('sha256', message, key))),
        hash: hash.none,
    };
}

/** A Fabric Gateway that signs every proposal and transaction as `identity` (the real caller). */
export function connectAs(
    client: grpc.Client,
    identity: StoredIdentity,
    overrides: Partial<ConnectOptions> = {},
): Gateway {
    return connect({
        client,
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
        ...signingOptions(identity.privateKey),
        evaluateOptions: seconds(10),
        endorseOptions: seconds(30),
        submitOptions: seconds(10),
        commitStatusOptions: seconds(60),
        ...overrides,
    });
}
