import type { ConnectionProfile } from '../../../network/client';
import type { LedgerIdentity } from '../ledger/ledger';
import type { Logger } from '../ops/logger';
import { openReadModel, type ReadModelDatabase } from './database';
import { FabricBlockSource } from './fabric-source';
import { Projector, type ProjectionStatus } from './projector';
import { blocksOfTransactions } from './transactions';

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
}

/** Starts each org's projector; each opens (and migrates) its read model itself, retrying until it can. */
export function startProjections(options: ProjectionsOptions): Projections {
    const running: { mspId: string; projector: Projector; close: () => Promise<void> }[] = [];
    for (const org of options.profile.orgs) {
        const reader = options.readers.get(org.mspId);
        if (reader === undefined) {
            options.logger.warn({ org: org.org }, 'no registrar in the wallet: this org is not projected');
            continue;
        }
        const source = new FabricBlockSource(org, reader, options.profile.channel);
        const projector = new Projector({
            org: org.org,
            open: (): Promise<ReadModelDatabase> =>
                openReadModel({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, name: org.org }),
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
        stop: async (): Promise<void> => {
            await Promise.all(running.map(({ close }) => close()));
        },
    };
}
