import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropStateSchema, openStateDatabase } from '../../../../gateway/src/state/database';
import {
    openFileWebhookStore,
    postgresWebhookStore,
    SecretBox,
    type WebhookStore,
} from '../../../../gateway/src/state';
import type { DialectName } from '../projection/support';

/** A local webhook receiver: answers `status`, keeps what it got. */
export class Receiver {
    status = 200;
    readonly received: { headers: IncomingHttpHeaders; body: string }[] = [];
    #server: Server | undefined;
    url = '';

    async start(): Promise<void> {
        this.#server = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (chunk: Buffer) => chunks.push(chunk));
            req.on('end', () => {
                this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
                res.writeHead(this.status).end();
            });
        });
        const server = this.#server;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    }

    async stop(): Promise<void> {
        const server = this.#server;
        if (server !== undefined)
            await new Promise<void>((resolve) =>
                server.close(() => {
                    resolve();
                }),
            );
    }
}

export function postgresUrl(): string {
    const url = process.env.MPT_TEST_POSTGRES_URL;
    if (url === undefined || url === '') throw new Error('MPT_TEST_POSTGRES_URL is not set: global-setup.ts starts it');
    return url;
}

let stores = 0;

export interface TestStore {
    readonly store: WebhookStore;
    /** File mode: the data directory holding `webhooks.sqlite`; PostgreSQL: the state schema. */
    readonly where: string;
    readonly key: Buffer;
    /** Another handle on the same store (a restarted gateway, or a second instance), with `key` by default. */
    open(key?: Buffer): Promise<WebhookStore>;
    cleanup(): Promise<void>;
}

/** A fresh webhook store: the file-mode SQLite file of a data directory, or a state schema of the real PostgreSQL. */
export async function newTestStore(dialect: DialectName): Promise<TestStore> {
    stores += 1;
    const key = randomBytes(32);
    const closers: (() => Promise<void>)[] = [];
    if (dialect === 'sqlite') {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'mpt-hooks-'));
        const open = async (withKey = key): Promise<WebhookStore> => {
            const store = await openFileWebhookStore(dataDir, new SecretBox(withKey));
            closers.push(() => store.close());
            return store;
        };
        return {
            store: await open(),
            where: dataDir,
            key,
            open,
            cleanup: async (): Promise<void> => {
                await Promise.all(closers.map((close) => close()));
                rmSync(dataDir, { recursive: true, force: true });
            },
        };
    }
    const url = postgresUrl();
    const schema = `hooks_t${process.pid}_${stores}_${Date.now()}`;
    const open = async (withKey = key): Promise<WebhookStore> => {
        const database = await openStateDatabase(url, schema);
        closers.push(() => database.close());
        return postgresWebhookStore(database.db, withKey, schema);
    };
    return {
        store: await open(),
        where: schema,
        key,
        open,
        cleanup: async (): Promise<void> => {
            await Promise.all(closers.map((close) => close()));
            await dropStateSchema(url, schema);
        },
    };
}
