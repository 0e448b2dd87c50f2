/**
 * Protobuf's wire format (https://protobuf.dev/programming-guides/encoding/), read field by field straight from a
 * message's bytes: the block parser walks only down to what the projection needs, where a generated decoder builds
 * every nested message (signatures, certificates, read sets) first.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const WIRE_TYPE_NAMES: Readonly<Record<number, string>> = {
    [VARINT]: 'varint',
    [FIXED64]: 'fixed64',
    [LENGTH_DELIMITED]: 'length-delimited',
    [FIXED32]: 'fixed32',
};

const wireTypeName = (wireType: number): string => WIRE_TYPE_NAMES[wireType] ?? `wire type ${wireType}`;

/** Bytes that are not the protobuf message they should be: says which message, and where it broke. */
export class MalformedMessage extends Error {
    constructor(
        readonly messageName: string,
        readonly offset: number,
        problem: string,
    ) {
        super(`${messageName}: ${problem} at byte ${offset}`);
        this.name = 'MalformedMessage';
    }
}

const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * The fields of one message in the order its bytes hold them: `next()` moves to a field, then exactly one of
 * `varint()`, `bool()`, `bytes()`, `string()` or `skip()` reads it. A read of the wrong wire type, a length past the
 * end or an over-long varint throws {@link MalformedMessage}: never a value read from the wrong bytes.
 */
export class WireFields {
    readonly #bytes: Uint8Array;
    readonly #name: string;
    #text: Buffer | undefined;
    #at = 0;
    #tagAt = 0;
    #field = 0;
    #wireType = 0;

    /** `name`: the message's protobuf name, for errors. */
    constructor(bytes: Uint8Array, name: string) {
        this.#bytes = bytes;
        this.#name = name;
    }

    /** The current field's number. */
    get field(): number {
        return this.#field;
    }

    /** Moves to the next field; false at the end of the message. */
    next(): boolean {
        if (this.#at >= this.#bytes.length) return false;
        this.#tagAt = this.#at;
        const tag = this.#readVarint();
        this.#wireType = tag % 8;
        this.#field = (tag - this.#wireType) / 8;
        if (this.#field === 0) throw this.#malformed('field number 0', this.#tagAt);
        return true;
    }

    /** A varint field (int32 ≥ 0, uint64, enum) as a number: exact up to 2^53, as block numbers and times are. */
    varint(): number {
        this.#expect(VARINT);
        return this.#readVarint();
    }

    bool(): boolean {
        return this.varint() !== 0;
    }

    /** A length-delimited field (bytes, or a nested message): a view on the message's bytes, not a copy. */
    bytes(): Uint8Array {
        this.#expect(LENGTH_DELIMITED);
        const length = this.#readVarint();
        const start = this.#at;
        const end = start + length;
        if (end > this.#bytes.length) {
            throw this.#malformed(`field ${this.#field} of ${length} bytes runs past the end`, this.#tagAt);
        }
        this.#at = end;
        return length === 0 ? EMPTY : this.#bytes.subarray(start, end);
    }

    /** A string field, decoded as UTF-8. */
    string(): string {
        const bytes = this.bytes();
        if (bytes.length === 0) return '';
        this.#text ??= Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength);
        const start = bytes.byteOffset - this.#bytes.byteOffset;
        return this.#text.toString('utf8', start, start + bytes.length);
    }

    /** Passes over the current field, whatever its type. */
    skip(): void {
        switch (this.#wireType) {
            case VARINT:
                this.#readVarint();
                return;
            case LENGTH_DELIMITED:
                this.bytes();
                return;
            case FIXED64:
                this.#advance(8);
                return;
            case FIXED32:
                this.#advance(4);
                return;
            default:
                // groups (3, 4) are deprecated and unused by Fabric; 6 and 7 do not exist
                throw this.#malformed(`field ${this.#field} has ${wireTypeName(this.#wireType)}`, this.#tagAt);
        }
    }

    #advance(length: number): void {
        if (this.#at + length > this.#bytes.length) {
            throw this.#malformed(`field ${this.#field} runs past the end`, this.#tagAt);
        }
        this.#at += length;
    }

    #expect(wireType: number): void {
        if (this.#wireType !== wireType) {
            throw this.#malformed(
                `field ${this.#field} is ${wireTypeName(this.#wireType)}, expected ${wireTypeName(wireType)}`,
                this.#tagAt,
            );
        }
    }

    #readVarint(): number {
        const bytes = this.#bytes;
        const start = this.#at;
        let value = 0;
        // up to 28 bits with integer arithmetic, beyond with floating point (exact up to 2^53)
        for (let shift = 0; shift < 70; shift += 7) {
            if (this.#at >= bytes.length) throw this.#malformed('varint runs past the end', start);
            const byte = bytes[this.#at++] ?? 0;
            value = shift < 28 ? value | ((byte & 0x7f) << shift) : value + (byte & 0x7f) * 2 ** shift;
            if (byte < 0x80) return value;
        }
        throw this.#malformed('varint longer than 10 bytes', start);
    }

    #malformed(problem: string, offset: number): MalformedMessage {
        return new MalformedMessage(this.#name, offset, problem);
    }
}
