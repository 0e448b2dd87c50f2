import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { hash } from '@hyperledger/fabric-gateway';
import { readEcdsaSignature } from '../../../network/client/ca/der';
import { signingOptions } from '../../../network/client/fabric-client';

const HALF_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') / 2n;

const pemKeyPair = (namedCurve: string): { privateKey: string; publicKey: string } =>
    generateKeyPairSync('ec', {
        namedCurve,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
    });

describe('signing proposals and transactions for the Fabric Gateway', () => {
    it('a P-256 key signs the whole message (SHA-256, DER) with S always in the lower half, as peers require', async () => {
        const { privateKey, publicKey } = pemKeyPair('P-256');
        const { signer, hash: digest } = signingOptions(privateKey);
        if (signer === undefined || digest === undefined) throw new Error('no signer');
        for (let i = 0; i < 40; i += 1) {
            const message = Buffer.from(`proposal ${i}`);
            const signature = Buffer.from(await signer(digest(message)));
            expect(verify('sha256', message, publicKey, signature)).toBe(true);
            expect(readEcdsaSignature(signature).s <= HALF_ORDER).toBe(true);
        }
    });

    it('a key of another curve keeps fabric-gateway’s own signer over a SHA-256 digest', async () => {
        const { privateKey, publicKey } = pemKeyPair('P-384');
        const { signer, hash: digest } = signingOptions(privateKey);
        if (signer === undefined) throw new Error('no signer');
        expect(digest).toBe(hash.sha256);
        const message = Buffer.from('proposal');
        const signature = Buffer.from(await signer(hash.sha256(message)));
        expect(verify('sha256', message, publicKey, signature)).toBe(true);
    });
});
