/**
 * A small deterministic PRNG (mulberry32) with the helpers the generator needs. Never Math.random: the same
 * seed must give byte-identical markets on every machine and Node version.
 */
export class Rng {
    #state: number;

    constructor(seed: number) {
        this.#state = seed >>> 0;
    }

    /** An independent stream for one part of the market, so changing one part does not reshuffle the others. */
    fork(label: string): Rng {
        return new Rng(hashString(`${this.#state}:${label}`));
    }

    /** Uniform in [0, 1). */
    next(): number {
        this.#state = (this.#state + 0x6d2b79f5) >>> 0;
        let t = this.#state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /** Integer in [min, max], both inclusive. */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    chance(probability: number): boolean {
        return this.next() < probability;
    }

    pick<T>(items: readonly T[]): T {
        const item = items[Math.floor(this.next() * items.length)];
        if (item === undefined) throw new Error('pick from an empty list');
        return item;
    }

    /** Picks by weight; `weight` must be positive for at least one item. */
    weighted<T>(items: readonly T[], weight: (item: T) => number): T {
        const total = items.reduce((sum, item) => sum + weight(item), 0);
        let roll = this.next() * total;
        for (const item of items) {
            roll -= weight(item);
            if (roll < 0) return item;
        }
        return this.pick(items);
    }

    /** `count` distinct items (fewer when the list is shorter), in random order. */
    sample<T>(items: readonly T[], count: number): T[] {
        return this.shuffle(items).slice(0, count);
    }

    shuffle<T>(items: readonly T[]): T[] {
        const copy = [...items];
        for (let i = copy.length - 1; i > 0; i--) {
            const j = Math.floor(this.next() * (i + 1));
            const a = copy[i] as T;
            copy[i] = copy[j] as T;
            copy[j] = a;
        }
        return copy;
    }

    /** A string from a pattern: `D` a digit, `L` an upper-case letter, `X` a digit or letter; others kept. */
    pattern(template: string): string {
        const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
        const alnum = `0123456789${letters}`;
        let out = '';
        for (const ch of template) {
            if (ch === 'D') out += String(this.int(0, 9));
            else if (ch === 'L') out += this.char(letters);
            else if (ch === 'X') out += this.char(alnum);
            else out += ch;
        }
        return out;
    }

    /** One character of an ASCII alphabet. */
    char(alphabet: string): string {
        return alphabet.charAt(this.int(0, alphabet.length - 1));
    }
}

/** FNV-1a, 32 bits. */
export function hashString(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        hash ^= text.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
}

/** The item at `index`; throws instead of returning undefined (generator tables are never short). */
export function at<T>(items: readonly T[], index: number): T {
    const item = items[index];
    if (item === undefined) throw new Error(`no item ${index} in a list of ${items.length}`);
    return item;
}

/** `value`, or an error naming what was missing. */
export function must<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`generator invariant: no ${what}`);
    return value;
}
