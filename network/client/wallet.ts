import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface StoredIdentity {
    readonly mspId: string;
    readonly certificate: string;
    readonly privateKey: string;
}

/**
 * Enrolled identities on disk, one directory each, readable only by the owning user (0700/0600).
 * A wallet belongs to one organisation; keep separate wallets for separate organisations.
 */
export class Wallet {
    constructor(readonly dir: string) {}

    has(name: string): boolean {
        return existsSync(path.join(this.dir, name, 'cert.pem'));
    }

    get(name: string): StoredIdentity {
        const dir = path.join(this.dir, name);
        if (!this.has(name)) {
            throw new Error(`no identity "${name}" in wallet ${this.dir}`);
        }
        const { mspId } = JSON.parse(readFileSync(path.join(dir, 'identity.json'), 'utf8')) as { mspId: string };
        return {
            mspId,
            certificate: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
            privateKey: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
        };
    }

    put(name: string, identity: StoredIdentity): void {
        const dir = path.join(this.dir, name);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        chmodSync(this.dir, 0o700);
        chmodSync(dir, 0o700);
        writeFileSync(path.join(dir, 'key.pem'), identity.privateKey, { mode: 0o600 });
        writeFileSync(path.join(dir, 'identity.json'), JSON.stringify({ mspId: identity.mspId }), { mode: 0o600 });
        // cert last: its presence is what `has` checks, so a crash mid-write leaves no half identity
        writeFileSync(path.join(dir, 'cert.pem'), identity.certificate, { mode: 0o600 });
    }

    list(): string[] {
        return existsSync(this.dir) ? readdirSync(this.dir).filter((name) => this.has(name)) : [];
    }
}
