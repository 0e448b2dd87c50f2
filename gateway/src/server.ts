import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readConnectionProfile, REGISTRAR, Wallet, type ConnectionProfile } from '../../network/client';
import { buildApp, type AppDeps } from './app';
import { FabricCertificateAuthorities, GatewayWallets, ledgerIdentity } from './auth/identities';
import { loadConfigOrExit, type GatewayConfig } from './config';
import { FabricLedger } from './ledger/fabric-ledger';
import type { LedgerIdentity } from './ledger/ledger';
import { newLogger, type Logger } from './ops/logger';
import {
    copyLegacyWebhooks,
    DEFAULT_RETRY_POLICY,
    requireWebhookKey,
    WebhookDispatcher,
    WebhookUrlPolicy,
} from './events';
import { startProjections, type Projections, type ReadModel } from './projection';
import type { Kysely } from 'kysely';
import { openGatewayState, type GatewayState } from './state';

/** How often expired idempotency records (they expire after 7 days) and full rate-limit buckets are removed. */
const PRUNE_MS = 60 * 60 * 1000;
/** Longer than any client keeps an idle connection, so the client is the side that closes it. */
const KEEP_ALIVE_MS = 65_000;

/**
 * Each org's registrar, by MSP ID: it exists in every org and holds no ledger role, so it answers the readiness probe
 * and reads its org's peer for the projection.
 */
export function registrars(profile: ConnectionProfile): Map<string, LedgerIdentity> {
    const found = new Map<string, LedgerIdentity>();
    for (const org of profile.orgs) {
        const wallet = new Wallet(org.walletDir);
        if (wallet.has(REGISTRAR)) {
            found.set(org.mspId, ledgerIdentity(wallet.get(REGISTRAR)));
        }
    }
    return found;
}

/** Everything the app needs, wired to the real network described by the connection profile. */
export function createDeps(
    config: GatewayConfig,
    logger: Logger,
    state: GatewayState,
    projections?: Projections,
): AppDeps {
    const profile = readConnectionProfile(config.connectionProfile);
    const probes = registrars(profile);
    const webhookUrls = new WebhookUrlPolicy(config.webhooks.allowedHosts);
    return {
        ledger: new FabricLedger({ profile, probes }),
        keys: state.keys,
        wallets: new GatewayWallets(config.dataDir),
        cas: new FabricCertificateAuthorities(profile),
        enrolmentCodes: state.enrolmentCodes,
        idempotencyStore: state.idempotencyStore,
        ...(state.rateLimits === undefined ? {} : { rateLimits: state.rateLimits }),
        ...(state.sessions === undefined ? {} : { sessions: state.sessions }),
        orgs: profile.orgs.map(({ org, mspId }) => ({ org, mspId })),
        logger,
        bodyLimitBytes: config.bodyLimitBytes,
        rateLimit: config.rateLimit,
        ipRateLimit: config.ipRateLimit,
        lostAfterMs: config.commitLostAfterMs,
        ...(projections === undefined ? {} : { projections, readModels: projections, verifier: projections }),
        console: config.console,
        epcisIdBase: config.epcisIdBase,
        webhookUrls,
        webhooks: state.webhooks,
    };
}

export interface RunningGateway {
    readonly server: Server;
    readonly url: string;
    /** Stops accepting, lets in-flight requests finish (up to the grace period), closes gateways and gRPC clients. */
    close(): Promise<void>;
}

/** One webhook dispatcher per projected org, making deliveries from that org's own read model (docs/events.md). */
function startDispatchers(
    orgs: readonly { readonly org: string }[],
    projections: Projections | undefined,
    state: GatewayState,
    config: GatewayConfig,
    logger: Logger,
): WebhookDispatcher[] {
    if (projections === undefined) return [];
    const policy = {
        ...DEFAULT_RETRY_POLICY,
        firstDelayMs: config.webhooks.firstRetryMs,
        maxAttempts: config.webhooks.maxAttempts,
    };
    return orgs.flatMap(({ org }) => {
        const model = projections.readModel(org);
        if (model === undefined) return [];
        const dispatcher = new WebhookDispatcher({
            org,
            store: state.webhooks,
            readModel: (): Kysely<ReadModel> | undefined => model.database?.db,
            logger,
            policy,
            urls: new WebhookUrlPolicy(config.webhooks.allowedHosts),
        });
        dispatcher.start();
        return [dispatcher];
    });
}

/** Starts the gateway on `config.host:config.port` (port 0 = any free port). */
export async function startGateway(
    config: GatewayConfig,
    logger = newLogger(config.logLevel),
): Promise<RunningGateway> {
    const profile = readConnectionProfile(config.connectionProfile);
    const state = await openGatewayState({
        dataDir: config.dataDir,
        databaseUrl: config.databaseUrl,
        schema: config.stateSchema,
        enrolmentCodeTtlMs: config.enrolmentCodeTtlMs,
        consoleIdleMs: config.console.idleMs,
        webhookSecretKey: config.webhooks.secretKey,
    });
    try {
        await requireWebhookKey(
            state.webhooks,
            config.databaseUrl,
            profile.orgs.map(({ org }) => org),
        );
    } catch (error) {
        await state.close();
        throw error;
    }
    const projections = config.projection
        ? startProjections({
              profile,
              readers: registrars(profile),
              dataDir: config.dataDir,
              databaseUrl: config.databaseUrl,
              logger,
              // before a read model's migration 0006 drops its old webhook tables, their rows move to the state
              beforeMigrate: async (org, database) => {
                  const moved = await copyLegacyWebhooks(database, org, state.webhooks);
                  if (moved > 0) logger.info({ org, subscriptions: moved }, 'webhooks moved from the read model');
              },
          })
        : undefined;
    const deps = createDeps(config, logger, state, projections);
    const dispatchers = startDispatchers(profile.orgs, projections, state, config, logger);
    const app = buildApp(deps);
    const server = await new Promise<Server>((resolve, reject) => {
        const listening = app.listen(config.port, config.host, (error?: Error) => {
            if (error) {
                reject(error);
            } else {
                resolve(listening);
            }
        });
    });
    // Idle keep-alive connections are closed by the client first (fetch keeps them 4 s): a server closing at Node's
    // default 5 s raced a busy client into sending on a socket being closed (ECONNRESET at 50 in flight).
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 1000;
    const stopPruning = state.pruneEvery(PRUNE_MS, (error: unknown) => {
        logger.warn({ err: error }, 'pruning the gateway state failed');
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host}:${port}`;
    logger.info(
        { url, dataDir: config.dataDir, state: state.where, profile: config.connectionProfile },
        'gateway listening',
    );
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
        closing ??= new Promise<void>((resolve) => {
            stopPruning();
            const force = setTimeout(() => {
                server.closeAllConnections();
            }, config.shutdownGraceMs);
            force.unref();
            server.close(() => {
                clearTimeout(force);
                deps.ledger.close();
                void Promise.all(dispatchers.map((dispatcher) => dispatcher.stop()))
                    .then(() => Promise.all([projections?.stop(), state.close()]))
                    .catch((error: unknown) => {
                        logger.warn({ err: error }, 'stopping the projections or closing the state failed');
                    })
                    .then(() => {
                        logger.info('gateway stopped');
                        resolve();
                    });
            });
            server.closeIdleConnections();
        });
        return closing;
    };
    return { server, url, close };
}

async function main(): Promise<void> {
    const config = loadConfigOrExit();
    const logger = newLogger(config.logLevel);
    const gateway = await startGateway(config, logger);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
            logger.info({ signal }, 'shutting down');
            void gateway.close().then(() => process.exit(0));
        });
    }
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
