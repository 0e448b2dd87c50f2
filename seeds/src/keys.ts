import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * API keys by party ID. Sources: a JSON file `{ "V-0001": "mpt_…" }`, the output of `npm run gateway:bootstrap`
 * saved to a file, `--key PARTY=KEY` options and the SEED_API_KEYS variable (`PARTY=KEY,PARTY=KEY`). Keys the
 * loader gets from onboarding are written to its state file (mode 0600) the moment they arrive.
 */

const KEY = /^mpt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

/** Parses a JSON key map, or the table `gateway:bootstrap` prints (org, username, role, party, key). */
export function parseKeyText(text: string): Map<string, string> {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
        const parsed = JSON.parse(trimmed) as Record<string, unknown>;
        return new Map(
            Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
        );
    }
    const keys = new Map<string, string>();
    for (const line of trimmed.split('\n')) {
        const cells = line.trim().split(/\s+/);
        const key = cells[cells.length - 1] ?? '';
        const party = cells[3];
        if (KEY.test(key) && party !== undefined && party !== '-') keys.set(party, key);
    }
    return keys;
}

/** `PARTY=KEY` pairs, comma- or argument-separated. */
export function parseKeyPairs(pairs: readonly string[]): Map<string, string> {
    const keys = new Map<string, string>();
    for (const pair of pairs.flatMap((p) => p.split(',')).filter((p) => p.trim() !== '')) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`expected PARTY=KEY, got ${pair.slice(0, 20)}…`);
        keys.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return keys;
}

export function readKeyFile(file: string): Map<string, string> {
    return existsSync(file) ? parseKeyText(readFileSync(file, 'utf8')) : new Map<string, string>();
}

/** Writes the key map atomically, readable by its owner only. */
export function writeKeyFile(file: string, keys: ReadonlyMap<string, string>): void {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    const sorted = Object.fromEntries([...keys.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileSync(tmp, `${JSON.stringify(sorted, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
    chmodSync(file, 0o600);
}

/** The keys a load works with, and how to keep one that onboarding hands out. */
export interface KeyRing {
    readonly keys: Map<string, string>;
    readonly save: (party: string, apiKey: string) => void;
}

/**
 * The `given` keys (from the caller: printed by bootstrap, passed as options) over the keys onboarding issued in
 * earlier runs, kept in `stateFile`. Only onboarded keys are kept on disk, because each is shown once and a later
 * run needs it to write as that party; a given key is never written, and a stale copy of one in the file (from
 * before this rule) is dropped at once.
 */
export function onboardedKeyRing(stateFile: string, given: ReadonlyMap<string, string>): KeyRing {
    const onboarded = readKeyFile(stateFile);
    const stale = [...given.keys()].filter((party) => onboarded.delete(party));
    if (stale.length > 0) writeKeyFile(stateFile, onboarded);
    return {
        keys: new Map([...onboarded, ...given]),
        save: (party, apiKey): void => {
            onboarded.set(party, apiKey);
            writeKeyFile(stateFile, onboarded);
        },
    };
}
