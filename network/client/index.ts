/**
 * What clients of the network (gateway, seeds, tests, bench) use of it, and the only module of network/ they
 * import: the connection profile, the Fabric client, wallets and the Fabric CA client. The supervisor
 * (network/src) writes what this reads.
 */
export {
    CaError,
    FabricCaClient,
    type Attribute,
    type CaIdentity,
    type Enrolment,
    type Registration,
} from './ca/client';
export {
    CONNECTION_PROFILE,
    defaultConnectionProfileFile,
    orgConnection,
    parseConnectionProfile,
    readConnectionProfile,
    type ConnectionProfile,
    type OrgConnection,
} from './connection';
export { connectAs, newPeerClient } from './fabric-client';
export { BOOTSTRAP_ADMIN, REGISTRAR, userAttributes } from './identities';
export { DEFAULT_STATE_DIR, repoRoot, toolsDir } from './paths';
export {
    networkCpuMs,
    pidFile,
    procStat,
    readPidRecord,
    recordedProcessNames,
    runDir,
    type PidRecord,
} from './processes';
export { Wallet, type StoredIdentity } from './wallet';
