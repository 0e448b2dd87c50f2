import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { buildApp, type AppDeps } from '../../../gateway/src/app';
import { GatewayWallets, type CertificateAuthorities, type NewUser } from '../../../gateway/src/auth/identities';
import { ApiKeyStore } from '../../../gateway/src/auth/key-store';
import type { GatewayRole } from '../../../gateway/src/auth/principal';
import { ApiError } from '../../../gateway/src/http/errors';
import { IdempotencyStore } from '../../../gateway/src/idempotency/store';
import { newLogger } from '../../../gateway/src/ops/logger';
import type { StoredIdentity } from '../../../network/src/wallet';
import { fakeCertificate, fakeCertificateAttributes, FakeLedger } from './fake-ledger';

export const ORGS = [
    { org: 'MarketOrg', mspId: 'MarketOrgMSP' },
    { org: 'CustomsOrg', mspId: 'CustomsOrgMSP' },
    { org: 'BankOrg', mspId: 'BankOrgMSP' },
] as const;

const mspOf = (org: string): string => ORGS.find((o) => o.org === org)?.mspId ?? `${org}MSP`;

/** A CA that enrols instantly with fake certificates and remembers what it was asked. */
export class FakeCas implements CertificateAuthorities {
    readonly enrolled: { org: string; user: NewUser }[] = [];
    readonly revoked: { org: string; username: string }[] = [];
    readonly #taken = new Set<string>();

    enroll(org: string, user: NewUser): Promise<StoredIdentity> {
        if (this.#taken.has(`${org}/${user.username}`)) {
            return Promise.reject(new ApiError(409, 'CONFLICT', `username ${user.username} is already registered`));
        }
        this.#taken.add(`${org}/${user.username}`);
        this.enrolled.push({ org, user });
        const mspId = mspOf(org);
        return Promise.resolve({
            mspId,
            certificate: fakeCertificate(mspId, user.username, user.role, user.party),
            privateKey: `fake-key-${user.username}`,
        });
    }

    revoke(org: string, username: string): Promise<void> {
        this.revoked.push({ org, username });
        return Promise.resolve();
    }
}

/** Captures pino's JSON lines. */
export class LogSink extends Writable {
    readonly lines: string[] = [];

    override _write(chunk: Buffer, _encoding: string, done: () => void): void {
        this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
    }

    get text(): string {
        return this.lines.join('\n');
    }
}

export interface Harness {
    readonly app: Express;
    readonly ledger: FakeLedger;
    readonly cas: FakeCas;
    readonly keys: ApiKeyStore;
    readonly wallets: GatewayWallets;
    readonly logs: LogSink;
    readonly dataDir: string;
    /** Puts an identity into the gateway wallet and returns a fresh API key for it. */
    user(org: string, username: string, role: GatewayRole, party: string | null): string;
    /** A new app over the same data dir and ledger, as after a gateway restart. */
    restart(overrides?: Partial<AppDeps>): Express;
    cleanup(): void;
}

export function harness(overrides: Partial<AppDeps> = {}): Harness {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-gw-'));
    const ledger = new FakeLedger();
    const cas = new FakeCas();
    const logs = new LogSink();
    const build = (extra: Partial<AppDeps>): { app: Express; keys: ApiKeyStore; wallets: GatewayWallets } => {
        const keys = new ApiKeyStore(dataDir);
        const wallets = new GatewayWallets(dataDir, fakeCertificateAttributes);
        const app = buildApp({
            ledger,
            keys,
            wallets,
            cas,
            idempotencyStore: new IdempotencyStore(dataDir),
            orgs: ORGS,
            logger: newLogger('info', logs),
            bodyLimitBytes: 64 * 1024,
            rateLimit: { perSecond: 1000, burst: 1000 },
            ipRateLimit: { perSecond: 1000, burst: 1000 },
            ...extra,
        });
        return { app, keys, wallets };
    };
    const first = build(overrides);
    return {
        ...first,
        ledger,
        cas,
        logs,
        dataDir,
        user(org, username, role, party): string {
            const mspId = mspOf(org);
            first.wallets.put(org, username, {
                mspId,
                certificate: fakeCertificate(mspId, username, role, party),
                privateKey: `fake-key-${username}`,
            });
            return first.keys.issue({ org, username, role, party, createdBy: 'test' }).apiKey;
        },
        restart: (extra = {}) => build({ ...overrides, ...extra }).app,
        cleanup: (): void => {
            rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

export const bearer = (key: string): { Authorization: string } => ({ Authorization: `Bearer ${key}` });

let counter = 0;
/** A fresh Idempotency-Key. */
export const idem = (): string => `test-key-${Date.now()}-${++counter}`;

export const sha = (seed: string): string =>
    // deterministic 64-hex from a seed
    Buffer.from(seed.padEnd(32, '.').slice(0, 32)).toString('hex');

export interface ErrorFields {
    readonly code: string;
    readonly message: string;
    readonly requestId: string;
    readonly txId?: string;
}

/** The `error` object of an error response body. */
export const errorOf = (res: { body: unknown }): ErrorFields => (res.body as { error: ErrorFields }).error;
