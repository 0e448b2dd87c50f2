import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp, type AppDeps } from '../../../gateway/src/app';
import { EnrolmentCodes } from '../../../gateway/src/auth/enrolment-codes';
import { CaRejected, UsernameTaken } from '../../../gateway/src/auth/errors';
import { GatewayWallets, type CertificateAuthorities, type NewUser } from '../../../gateway/src/auth/identities';
import { ApiKeyStore } from '../../../gateway/src/auth/key-store';
import type { GatewayRole } from '../../../gateway/src/auth/principal';
import { IdempotencyStore } from '../../../gateway/src/idempotency/store';
import { newLogger } from '../../../gateway/src/ops/logger';
import type { StoredIdentity } from '../../../network/client';
import { fakeCertificate, fakeCertificateAttributes, FakeLedger } from './fake-ledger';

export const ORGS = [
    { org: 'MarketOrg', mspId: 'MarketOrgMSP' },
    { org: 'CustomsOrg', mspId: 'CustomsOrgMSP' },
    { org: 'BankOrg', mspId: 'BankOrgMSP' },
] as const;

const mspOf = (org: string): string => ORGS.find((o) => o.org === org)?.mspId ?? `${org}MSP`;

/**
 * A CA that registers and enrols instantly with fake certificates and remembers what it was asked. Like Fabric CA with
 * `maxEnrollments: 1`, a registration enrols once, with the secret it was last given.
 */
export class FakeCas implements CertificateAuthorities {
    readonly registered: { org: string; user: NewUser }[] = [];
    readonly enrolled: { org: string; username: string }[] = [];
    readonly revoked: { org: string; username: string }[] = [];
    readonly #registrations = new Map<string, { user: NewUser; secret: string; enrolments: number }>();

    register(org: string, user: NewUser, secret: string): Promise<void> {
        const earlier = this.#registrations.get(`${org}/${user.username}`);
        if (earlier && (earlier.user.role !== user.role || earlier.user.party !== user.party)) {
            return Promise.reject(new UsernameTaken(user.username));
        }
        this.#registrations.set(`${org}/${user.username}`, { user, secret, enrolments: earlier?.enrolments ?? 0 });
        this.registered.push({ org, user });
        return Promise.resolve();
    }

    enroll(org: string, username: string, secret: string): Promise<StoredIdentity> {
        const registration = this.#registrations.get(`${org}/${username}`);
        if (registration?.secret !== secret || registration.enrolments >= 1) {
            return Promise.reject(new CaRejected());
        }
        registration.enrolments++;
        this.enrolled.push({ org, username });
        const mspId = mspOf(org);
        const { role, party } = registration.user;
        return Promise.resolve({
            mspId,
            certificate: fakeCertificate(mspId, username, role, party),
            privateKey: `fake-key-${username}`,
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
            enrolmentCodes: new EnrolmentCodes(dataDir),
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

/** The body of `POST /v1/trades` (and one bulk row) for demo vendor V-0001 through agent A-0001. */
export const tradeRequest = (tradeNo: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    tradeNo,
    vendorId: 'V-0001',
    agentId: 'A-0001',
    buyerId: 'B-0001',
    tradeDate: '2026-03-01',
    currency: 'USD',
    agencyReceipt: false,
    paymentTerms: 'PREPAID',
    paymentChannel: 'BANK',
    lines: [{ lineId: 'L1', goodsCode: 'G-1', qty: 10, unitPrice: 250, amount: 2500 }],
    documents: [],
    ...extra,
});

/** An app (or any request handler) listening on an ephemeral local port, for tests that reach it over HTTP. */
export interface Listening {
    readonly url: string;
    close(): Promise<void>;
}

export async function listen(handler: RequestListener): Promise<Listening> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => {
        server.listen(0, '127.0.0.1', resolve);
    });
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => {
                    resolve();
                });
            }),
    };
}

/** One operation of the app's served `/openapi.json`, with its path (OpenAPI form, `{param}`) and method. */
export interface ServedOperation<T> {
    readonly path: string;
    readonly method: string;
    readonly operation: T;
}

/** Every operation the app's `/openapi.json` documents, `T` being the fields the test reads. */
export async function servedOperations<T>(app: Express): Promise<ServedOperation<T>[]> {
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, Record<string, T>> };
    return Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
}
