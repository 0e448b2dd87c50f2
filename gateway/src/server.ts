import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readConnectionProfile, REGISTRAR, Wallet, type ConnectionProfile } from '../../network/client';
import { buildApp, type AppDeps } from './app';
import { FabricCertificateAuthorities, GatewayWallets, ledgerIdentity } from './auth/identities';
import { EnrolmentCodes } from './auth/enrolment-codes';
import { ApiKeyStore } from './auth/key-store';
import { loadConfigOrExit, type GatewayConfig } from './config';
import { IdempotencyStore } from './idempotency/store';
import { FabricLedger } from './ledger/fabric-ledger';
import type { LedgerIdentity } from './ledger/ledger';
import { newLogger, type Logger } from './ops/logger';
import { startProjections, type Projections } from './projection';

/** How often expired idempotency records are removed from disk (they expire after 7 days). */
const IDEMPOTENCY_PRUNE_MS = 60 * 60 * 1000;

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
export function createDeps(config: GatewayConfig, logger: Logger, projections?: Projections): AppDeps {
    const profile = readConnectionProfile(config.connectionProfile);
    const probes = registrars(profile);
    return {
        ledger: new FabricLedger({ profile, probes }),
        keys: new ApiKeyStore(config.dataDir),
        wallets: new GatewayWallets(config.dataDir),
        cas: new FabricCertificateAuthorities(profile),
        enrolmentCodes: new EnrolmentCodes(config.dataDir, { ttlMs: config.enrolmentCodeTtlMs }),
        idempotencyStore: new IdempotencyStore(config.dataDir),
        orgs: profile.orgs.map(({ org, mspId }) => ({ org, mspId })),
        logger,
        bodyLimitBytes: config.bodyLimitBytes,
        rateLimit: config.rateLimit,
        ipRateLimit: config.ipRateLimit,
        lostAfterMs: config.commitLostAfterMs,
        ...(projections === undefined ? {} : { projections, readModels: projections, verifier: projections }),
        console: config.console,
    };
}

export interface RunningGateway {
    readonly server: Server;
    readonly url: string;
    /** Stops accepting, lets in-flight requests finish (up to the grace period), closes gateways and gRPC clients. */
    close(): Promise<void>;
}

/** Starts the gateway on `config.host:config.port` (port 0 = any free port). */
export async function startGateway(
    config: GatewayConfig,
    logger = newLogger(config.logLevel),
): Promise<RunningGateway> {
    const profile = readConnectionProfile(config.connectionProfile);
    const projections = config.projection
        ? startProjections({
              profile,
              readers: registrars(profile),
              dataDir: config.dataDir,
              databaseUrl: config.databaseUrl,
              logger,
          })
        : undefined;
    const deps = createDeps(config, logger, projections);
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
    const stopPruning = deps.idempotencyStore.pruneEvery(IDEMPOTENCY_PRUNE_MS, (error: unknown) => {
        logger.warn({ err: error }, 'idempotency pruning failed');
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host}:${port}`;
    logger.info({ url, dataDir: config.dataDir, profile: config.connectionProfile }, 'gateway listening');
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
                void (projections?.stop() ?? Promise.resolve())
                    .catch((error: unknown) => {
                        logger.warn({ err: error }, 'stopping the projections failed');
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
