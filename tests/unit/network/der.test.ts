import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { lowS, readEcdsaSignature } from '../../../network/client/ca/der';

const HALF_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') / 2n;

describe('ECDSA signatures for the Fabric CA', () => {
    it('low-S normalisation keeps every signature valid and puts S in the lower half', () => {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        let sawHighS = false;
        for (let i = 0; i < 40; i += 1) {
            const data = Buffer.from(`payload ${i}`);
            const raw = sign('sha256', data, privateKey);
            sawHighS ||= readEcdsaSignature(raw).s > HALF_ORDER;
            const normalised = lowS(raw);
            expect(readEcdsaSignature(normalised).s <= HALF_ORDER).toBe(true);
            expect(verify('sha256', data, publicKey, normalised)).toBe(true);
        }
        // 40 random signatures all in the lower half would happen once in 2^40 runs
        expect(sawHighS).toBe(true);
    });
});
