import type { ConnectionProfile } from '../../../network/client';
import type { LedgerIdentity } from '../ledger/ledger';
import type { Logger } from '../ops/logger';
import { openReadModel, type BeforeMigrate, type ReadModelDatabase } from './database';
import { FabricBlockSource } from './fabric-source';
import { Projector, type ProjectionStatus } from './projector';
import { blocksOfTransactions } from './transactions';
import { verifyReadModel, type VerifyReport } from './verify';

/** One org's read model as its readers (the work lists) see it: the database once open, and how far it has got. */
export interface OrgReadModel {
    /** Undefined until the projector could open it. */
    readonly database: ReadModelDatabase | undefined;
    status(): Promise<ProjectionStatus>;
}

/** The projections a gateway runs: one per organisation it serves, each from its own peer into its own database. */
export interface Projections {
    statuses(): Promise<ProjectionStatus[]>;
    /**
     * The block of each txId that org's read model has applied (absent: not seen yet, not a VALID transaction of the
     * chaincode, or that org is not projected or its read model not open yet).
     */
    blocksOf(mspId: string, txIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
    /** The read model of one org (by its name in the connection profile); undefined when it is not projected. */
    readModel(org: string): OrgReadModel | undefined;
    /**
     * Verifies one org's read model against its peer's ledger ({@link verifyReadModel}); undefined when that org is not
     * projected. Calls for an org while one runs share its answer: a verify reads the whole chain.
     */
    verify(org: string): Promise<VerifyReport> | undefined;
    /** Stops every projector (each after the block it is applying) and closes their databases and peer streams. */
    stop(): Promise<void>;
}

export interface ProjectionsOptions {
    readonly profile: ConnectionProfile;
    /** Per MSP ID, the identity that reads that org's peer (its registrar); an org without one is not projected. */
    readonly readers: ReadonlyMap<string, LedgerIdentity>;
    readonly dataDir: string;
    /** PostgreSQL URL; undefined for SQLite files under the data directory. */
    readonly databaseUrl: string | undefined;
    readonly logger: Logger;
    /** Runs on each org's read model before it is migrated (the move of its old webhook tables). */
    readonly beforeMigrate?: (org: string, database: ReadModelDatabase) => Promise<void>;
}

export interface VerifyOrgOptions {
    /** Where the read model lives and how to reach the org's peer, as the projector has them. */
    readonly profile: ConnectionProfile;
    readonly org: string;
    /** The org's registrar (the projector's own reader). */
    readonly reader: LedgerIdentity;
    readonly dataDir: string;
    readonly databaseUrl: string | undefined;
    readonly maxReported?: number;
    readonly onProgress?: Parameters<typeof verifyReadModel>[0]['onProgress'];
}

/**
 * Verifies one org's read model on a handle and a peer connection of its own, so a running projector is neither
 * stopped nor slowed by the comparison's long read transaction (the CLI and the auditor's endpoint both use this).
 */
export async function verifyOrgReadModel(options: VerifyOrgOptions): Promise<VerifyReport> {
    const org = options.profile.orgs.find((candidate) => candidate.org === options.org);
    if (org === undefined) throw new Error(`no org ${options.org} in the connection profile`);
    const source = new FabricBlockSource(org, options.reader, options.profile.channel);
    try {
        const live = await openReadModel({
            databaseUrl: options.databaseUrl,
            dataDir: options.dataDir,
            name: org.org,
        });
        try {
            return await verifyReadModel({
                live,
                source,
                chaincode: options.profile.chaincode,
                ...(options.maxReported === undefined ? {} : { maxReported: options.maxReported }),
                ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
            });
        } finally {
            await live.close();
        }
    } finally {
        source.close();
    }
}

/** Starts each org's projector; each opens (and migrates) its read model itself, retrying until it can. */
export function startProjections(options: ProjectionsOptions): Projections {
    const running: { mspId: string; projector: Projector; close: () => Promise<void> }[] = [];
    const verifying = new Map<string, Promise<VerifyReport>>();
    for (const org of options.profile.orgs) {
        const reader = options.readers.get(org.mspId);
        if (reader === undefined) {
            options.logger.warn({ org: org.org }, 'no registrar in the wallet: this org is not projected');
            continue;
        }
        const source = new FabricBlockSource(org, reader, options.profile.channel);
        const { beforeMigrate } = options;
        const upgrade: BeforeMigrate | undefined =
            beforeMigrate === undefined ? undefined : (database): Promise<void> => beforeMigrate(org.org, database);
        const projector = new Projector({
            org: org.org,
            open: (): Promise<ReadModelDatabase> =>
                openReadModel({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, name: org.org }, upgrade),
            source,
            chaincode: options.profile.chaincode,
            logger: options.logger,
        });
        projector.start();
        running.push({
            mspId: org.mspId,
            projector,
            close: async (): Promise<void> => {
                await projector.stop();
                source.close();
                await projector.database?.close();
            },
        });
    }
    return {
        statuses: (): Promise<ProjectionStatus[]> => Promise.all(running.map(({ projector }) => projector.status())),
        blocksOf: async (mspId, txIds): Promise<ReadonlyMap<string, number>> => {
            const database = running.find((r) => r.mspId === mspId)?.projector.database;
            return database === undefined ? new Map() : blocksOfTransactions(database.db, txIds);
        },
        readModel: (org: string): OrgReadModel | undefined =>
            running.find(({ projector }) => projector.org === org)?.projector,
        verify: (org: string): Promise<VerifyReport> | undefined => {
            const profileOrg = options.profile.orgs.find((candidate) => candidate.org === org);
            const reader = profileOrg === undefined ? undefined : options.readers.get(profileOrg.mspId);
            if (reader === undefined) return undefined;
            const under = verifying.get(org);
            if (under !== undefined) return under;
            const started = verifyOrgReadModel({
                profile: options.profile,
                org,
                reader,
                dataDir: options.dataDir,
                databaseUrl: options.databaseUrl,
            }).finally(() => verifying.delete(org));
            verifying.set(org, started);
            return started;
        },
        stop: async (): Promise<void> => {
            await Promise.all(running.map(({ close }) => close()));
        },
    };
}
