/**
 * Pinned Fabric versions, in one place.
 *
 * Fabric's go.mod says `module github.com/hyperledger/fabric` (no /v2), so release tags are only reachable
 * as pseudo-versions. We wanted v2.5.16 (v1.4.0-rc1.0.20260617221605-f871cf92a026), but the module proxy
 * this project builds from answers 403 for it; v2.5.9 is the newest 2.5 LTS release it serves.
 */
export const FABRIC = {
    version: '2.5.9',
    module: 'github.com/hyperledger/fabric',
    moduleVersion: 'v1.4.0-rc1.0.20240618194258-7c3876255bf0',
    commit: '7c3876255bf0',
    commands: ['peer', 'orderer', 'configtxgen', 'cryptogen', 'osnadmin', 'configtxlator'],
} as const;

/** Newest Fabric CA 1.5.x served by the module proxy. Its server needs cgo (sqlite). */
export const FABRIC_CA = {
    version: '1.5.22',
    module: 'github.com/hyperledger/fabric-ca',
    moduleVersion: 'v1.5.22',
    commands: ['fabric-ca-server', 'fabric-ca-client'],
} as const;
