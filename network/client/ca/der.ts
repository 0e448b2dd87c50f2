/** The few DER encodings a PKCS#10 certificate request and an ECDSA signature need. */

function length(n: number): Buffer {
    if (n < 0x80) {
        return Buffer.from([n]);
    }
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) {
        bytes.unshift(rest % 256);
    }
    return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const tlv = (tag: number, ...content: Buffer[]): Buffer => {
    const body = Buffer.concat(content);
    return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};

export const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content);
export const set = (...content: Buffer[]): Buffer => tlv(0x31, ...content);
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));

export function oid(dotted: string): Buffer {
    const parts = dotted.split('.').map(Number);
    const [first = 0, second = 0, ...rest] = parts;
    const bytes = [first * 40 + second];
    for (const part of rest) {
        const chunk: number[] = [part & 0x7f];
        for (let value = part >>> 7; value > 0; value >>>= 7) {
            chunk.unshift((value & 0x7f) | 0x80);
        }
        bytes.push(...chunk);
    }
    return tlv(0x06, Buffer.from(bytes));
}

export function unsignedInteger(value: bigint): Buffer {
    let hex = value.toString(16);
    if (hex.length % 2 === 1) {
        hex = `0${hex}`;
    }
    let bytes = Buffer.from(hex, 'hex');
    if ((bytes[0] ?? 0) & 0x80) {
        bytes = Buffer.concat([Buffer.from([0]), bytes]);
    }
    return tlv(0x02, bytes);
}

export const bitString = (content: Buffer): Buffer => tlv(0x03, Buffer.from([0]), content);

/** Reads the two INTEGERs of a DER ECDSA signature. */
export function readEcdsaSignature(der: Buffer): { r: bigint; s: bigint } {
    let offset = 2;
    if ((der[1] ?? 0) & 0x80) {
        offset += (der[1] ?? 0) & 0x7f;
    }
    const readInteger = (): bigint => {
        const len = der[offset + 1] ?? 0;
        const value = der.subarray(offset + 2, offset + 2 + len);
        offset += 2 + len;
        return BigInt(`0x${value.toString('hex') || '0'}`);
    };
    return { r: readInteger(), s: readInteger() };
}

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** Fabric (and Fabric CA) accept only low-S ECDSA signatures; Node's signer produces either half. */
export function lowS(der: Buffer): Buffer {
    const { r, s } = readEcdsaSignature(der);
    const normalised = s > P256_ORDER / 2n ? P256_ORDER - s : s;
    return sequence(unsignedInteger(r), unsignedInteger(normalised));
}
