import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defaultConnectionProfileFile, toolsDir } from '../../network/client';
import { isAllowListEntry } from './events/url-policy';
import { STATE_SCHEMA } from './state/database';
import { secretKeyOf } from './state/secret-box';

/** Every setting the gateway reads, with its environment variable, default and meaning (also in README). */
const SETTINGS = {
    MPT_GATEWAY_HOST: { default: '127.0.0.1', help: 'address to listen on' },
    MPT_GATEWAY_PORT: { default: '3000', help: 'TCP port to listen on (0 = any free port)' },
    MPT_CONNECTION_PROFILE: {
        default: defaultConnectionProfileFile(),
        help: 'connection profile written by `npm run network:up`',
    },
    MPT_GATEWAY_DATA_DIR: {
        default: path.join(toolsDir(), 'gateway'),
        help: 'the per-org wallets and, without MPT_DATABASE_URL, API-key hashes, enrolment codes and idempotency records (created 0700)',
    },
    MPT_LOG_LEVEL: { default: 'info', help: 'fatal, error, warn, info, debug, trace or silent' },
    MPT_BODY_LIMIT_BYTES: { default: '1048576', help: 'largest accepted request body' },
    MPT_RATE_LIMIT_PER_SECOND: { default: '20', help: 'sustained requests per second per API key' },
    MPT_RATE_LIMIT_BURST: { default: '40', help: 'requests an API key may make at once' },
    MPT_IP_RATE_LIMIT_PER_SECOND: {
        default: '100',
        help: 'sustained requests per second per client IP, before authentication (burst: twice that)',
    },
    MPT_SHUTDOWN_GRACE_MS: { default: '10000', help: 'how long in-flight requests may finish on SIGTERM' },
    MPT_ENROLMENT_CODE_TTL_HOURS: { default: '72', help: 'how long an enrolment code from onboarding can be redeemed' },
    MPT_COMMIT_LOST_AFTER_MS: {
        default: '120000',
        help: 'how long the ledger must answer "no such transaction" before a retry resubmits a write of unknown outcome',
    },
    MPT_DATABASE_URL: {
        default: '',
        help: "PostgreSQL for the read models (postgres://user:password@host:port/database; one schema per org) and the gateway's own state (API keys, enrolment codes, idempotency records, rate limits, console sessions), so several instances can share it; empty: an SQLite file per org and the state in the data directory (one instance)",
    },
    MPT_GATEWAY_STATE_SCHEMA: {
        default: 'gateway_state',
        help: "with MPT_DATABASE_URL: the PostgreSQL schema of the gateway's own state (instances of one gateway share it)",
    },
    MPT_PROJECTION: { default: 'on', help: "on: project each org's own peer into its read model; off: no read side" },
    MPT_CONSOLE_IDLE_MINUTES: { default: '30', help: 'a console session unused this long ends (1..1440)' },
    MPT_CONSOLE_SECURE_COOKIES: {
        default: 'auto',
        help: 'console cookies Secure: auto (when the request came over https), always (behind a TLS proxy) or never',
    },
    MPT_WEBHOOK_FIRST_RETRY_MS: {
        default: '10000',
        help: 'wait after a webhook delivery first fails; it doubles per attempt up to an hour (100..3600000)',
    },
    MPT_WEBHOOK_MAX_ATTEMPTS: { default: '8', help: 'attempts of one webhook delivery before it is DEAD (1..20)' },
    MPT_WEBHOOK_ALLOWED_HOSTS: {
        default: '',
        help: 'host names, IP addresses and CIDRs (comma-separated) webhooks may reach although they are not public (loopback, private, link-local, unique-local); empty: public addresses only',
    },
    MPT_WEBHOOK_SECRET_KEY: {
        default: '',
        help: '32 bytes (base64 or hex) that seal webhook secrets at rest (AES-256-GCM); with MPT_DATABASE_URL needed once there are subscriptions, the same on every instance; empty without it: <data dir>/webhook-secret.key (created 0600)',
    },
    MPT_EPCIS_ID_BASE: {
        default: 'https://id.mpt.example/',
        help: "base of the EPCIS export's identifiers and vocabulary (an http(s) URL ending in /, e.g. your own domain)",
    },
} as const;

export type SettingName = keyof typeof SETTINGS;

const int = (min: number, max: number): z.ZodCoercedNumber => z.coerce.number().int().min(min).max(max);

const existingFile = z
    .string()
    .min(1)
    .refine((file) => existsSync(file), { error: 'file does not exist (is the network up?)' });

/** An http(s) URL naming a folder (ending in `/`, no query or fragment): identifiers are appended to it. */
function isBaseUrl(text: string): boolean {
    return /^https?:\/\/[^\s?#]+\/$/.test(text) && URL.canParse(text);
}

const ENV_SCHEMA = z.object({
    MPT_GATEWAY_HOST: z.string().min(1),
    MPT_GATEWAY_PORT: int(0, 65535),
    MPT_CONNECTION_PROFILE: existingFile,
    MPT_GATEWAY_DATA_DIR: z.string().min(1),
    MPT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    MPT_BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024),
    MPT_RATE_LIMIT_PER_SECOND: int(1, 100_000),
    MPT_RATE_LIMIT_BURST: int(1, 100_000),
    MPT_IP_RATE_LIMIT_PER_SECOND: int(1, 100_000),
    MPT_SHUTDOWN_GRACE_MS: int(0, 600_000),
    MPT_ENROLMENT_CODE_TTL_HOURS: int(1, 24 * 30),
    MPT_COMMIT_LOST_AFTER_MS: int(1000, 24 * 3600 * 1000),
    MPT_DATABASE_URL: z.union([
        z.literal(''),
        z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/, { error: 'must be empty or a postgres:// URL' }),
    ]),
    MPT_GATEWAY_STATE_SCHEMA: z.string().regex(STATE_SCHEMA, { error: 'must be a lower-case PostgreSQL name' }),
    MPT_PROJECTION: z.enum(['on', 'off']),
    MPT_CONSOLE_IDLE_MINUTES: int(1, 24 * 60),
    MPT_CONSOLE_SECURE_COOKIES: z.enum(['auto', 'always', 'never']),
    MPT_WEBHOOK_FIRST_RETRY_MS: int(100, 3_600_000),
    MPT_WEBHOOK_MAX_ATTEMPTS: int(1, 20),
    MPT_WEBHOOK_ALLOWED_HOSTS: z
        .string()
        .transform((text) =>
            text
                .split(',')
                .map((entry) => entry.trim())
                .filter((entry) => entry !== ''),
        )
        .refine((entries) => entries.every(isAllowListEntry), {
            error: 'must be host names, IP addresses or CIDRs separated by commas',
        }),
    MPT_WEBHOOK_SECRET_KEY: z.string().refine((text) => text === '' || secretKeyOf(text) !== undefined, {
        error: 'must be empty or 32 bytes in base64 or hex (e.g. `openssl rand -base64 32`)',
    }),
    MPT_EPCIS_ID_BASE: z.string().refine(isBaseUrl, { error: 'must be an http(s) URL ending in /' }),
});

export interface GatewayConfig {
    readonly host: string;
    readonly port: number;
    readonly connectionProfile: string;
    readonly dataDir: string;
    readonly logLevel: string;
    readonly bodyLimitBytes: number;
    readonly rateLimit: { readonly perSecond: number; readonly burst: number };
    /** Per client IP, before authentication: unauthenticated callers (key guessing) and /readyz are limited too. */
    readonly ipRateLimit: { readonly perSecond: number; readonly burst: number };
    readonly shutdownGraceMs: number;
    readonly enrolmentCodeTtlMs: number;
    readonly commitLostAfterMs: number;
    /** PostgreSQL URL of the read models and the gateway's state; undefined: files under the data directory. */
    readonly databaseUrl: string | undefined;
    /** The PostgreSQL schema of the gateway's own state. */
    readonly stateSchema: string;
    /** Whether the gateway projects each org's peer into its read model. */
    readonly projection: boolean;
    readonly console: { readonly idleMs: number; readonly cookies: { readonly secure: 'auto' | 'always' | 'never' } };
    /** Webhook retries (docs/events.md). */
    readonly webhooks: {
        readonly firstRetryMs: number;
        readonly maxAttempts: number;
        /** Non-public hosts, addresses and CIDRs deliveries may reach (docs/events.md). */
        readonly allowedHosts: readonly string[];
        /** Seals the subscriptions' secrets (`MPT_WEBHOOK_SECRET_KEY`); undefined: the data directory's key file. */
        readonly secretKey: Buffer | undefined;
    };
    /** Base of the EPCIS export's identifiers (docs/epcis.md). */
    readonly epcisIdBase: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid gateway configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n\n${usage()}`);
        this.name = 'ConfigError';
    }
}

/** The table of settings, for error messages and `--help`. */
export function usage(): string {
    const lines = Object.entries(SETTINGS).map(
        ([name, setting]) => `  ${name.padEnd(28)} ${setting.help} (default ${setting.default})`,
    );
    return `Environment variables:\n${lines.join('\n')}`;
}

/**
 * Reads the gateway's settings from the environment, applying defaults; relative paths resolve against `cwd`.
 * Throws {@link ConfigError} listing every missing or invalid setting at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GatewayConfig {
    const raw: Record<string, string> = {};
    for (const [name, setting] of Object.entries(SETTINGS)) {
        const value = env[name];
        raw[name] = value === undefined || value === '' ? setting.default : value;
    }
    raw.MPT_CONNECTION_PROFILE = path.resolve(cwd, raw.MPT_CONNECTION_PROFILE ?? '');
    raw.MPT_GATEWAY_DATA_DIR = path.resolve(cwd, raw.MPT_GATEWAY_DATA_DIR ?? '');
    const parsed = ENV_SCHEMA.safeParse(raw);
    if (!parsed.success) {
        throw new ConfigError(
            parsed.error.issues.map((issue) => {
                const name = String(issue.path[0]);
                // a database URL may hold a password, and a key is secret: never echoed
                const secret = name === 'MPT_DATABASE_URL' || name === 'MPT_WEBHOOK_SECRET_KEY';
                const shown = secret ? '(not shown)' : JSON.stringify(raw[name]);
                return `${name}=${shown}: ${issue.message}`;
            }),
        );
    }
    const c = parsed.data;
    return {
        host: c.MPT_GATEWAY_HOST,
        port: c.MPT_GATEWAY_PORT,
        connectionProfile: c.MPT_CONNECTION_PROFILE,
        dataDir: c.MPT_GATEWAY_DATA_DIR,
        logLevel: c.MPT_LOG_LEVEL,
        bodyLimitBytes: c.MPT_BODY_LIMIT_BYTES,
        rateLimit: { perSecond: c.MPT_RATE_LIMIT_PER_SECOND, burst: c.MPT_RATE_LIMIT_BURST },
        ipRateLimit: { perSecond: c.MPT_IP_RATE_LIMIT_PER_SECOND, burst: 2 * c.MPT_IP_RATE_LIMIT_PER_SECOND },
        shutdownGraceMs: c.MPT_SHUTDOWN_GRACE_MS,
        enrolmentCodeTtlMs: c.MPT_ENROLMENT_CODE_TTL_HOURS * 3600 * 1000,
        commitLostAfterMs: c.MPT_COMMIT_LOST_AFTER_MS,
        databaseUrl: c.MPT_DATABASE_URL === '' ? undefined : c.MPT_DATABASE_URL,
        stateSchema: c.MPT_GATEWAY_STATE_SCHEMA,
        projection: c.MPT_PROJECTION === 'on',
        console: { idleMs: c.MPT_CONSOLE_IDLE_MINUTES * 60 * 1000, cookies: { secure: c.MPT_CONSOLE_SECURE_COOKIES } },
        webhooks: {
            firstRetryMs: c.MPT_WEBHOOK_FIRST_RETRY_MS,
            maxAttempts: c.MPT_WEBHOOK_MAX_ATTEMPTS,
            allowedHosts: c.MPT_WEBHOOK_ALLOWED_HOSTS,
            secretKey: c.MPT_WEBHOOK_SECRET_KEY === '' ? undefined : secretKeyOf(c.MPT_WEBHOOK_SECRET_KEY),
        },
        epcisIdBase: c.MPT_EPCIS_ID_BASE,
    };
}

/** For command entry points: the configuration, or the list of problems on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
    try {
        return loadConfig(env);
    } catch (error) {
        if (error instanceof ConfigError) {
            process.stderr.write(`${error.message}\n`);
            process.exit(2);
        }
        throw error;
    }
}
