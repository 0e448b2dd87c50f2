import { describe, expect, it } from '@jest/globals';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { endorsementPolicy, endorsingMspIds } from '../../../network/src/chaincode';
import { loadTopology } from '../../../network/src/topology';

describe('the chaincode endorsement policy', () => {
    it('asks a peer of any two organisations of the default network, banks included', () => {
        expect(endorsementPolicy(loadTopology())).toBe(
            "OutOf(2, 'MarketOrgMSP.peer', 'CustomsOrgMSP.peer', 'BankOrgMSP.peer', 'Bank2OrgMSP.peer')",
        );
    });

    it('stays two organisations when a bank joins: one more bank adds no endorsement to every write', () => {
        const topology = loadTopology();
        const third = {
            ...topology.peerOrgs[2],
            name: 'Bank3Org',
            mspId: 'Bank3OrgMSP',
        } as (typeof topology.peerOrgs)[number];
        expect(endorsementPolicy({ ...topology, peerOrgs: [...topology.peerOrgs, third] })).toMatch(
            /^OutOf\(2, .*'Bank3OrgMSP\.peer'\)$/,
        );
    });

    it('read back from a committed definition names its orgs, so that a new org makes the next sequence necessary', () => {
        const envelope = new common.SignaturePolicyEnvelope();
        envelope.setIdentitiesList(
            ['MarketOrgMSP', 'Bank3OrgMSP'].map((mspId) => {
                const role = new msp.MSPRole();
                role.setMspIdentifier(mspId);
                role.setRole(msp.MSPRole.MSPRoleType.PEER);
                const principal = new msp.MSPPrincipal();
                principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
                principal.setPrincipal(role.serializeBinary());
                return principal;
            }),
        );
        const policy = new peer.ApplicationPolicy();
        policy.setSignaturePolicy(envelope);
        const committed = {
            sequence: 2,
            version: 'v',
            validation_parameter: Buffer.from(policy.serializeBinary()).toString('base64'),
        };
        expect(endorsingMspIds(committed)).toEqual(['MarketOrgMSP', 'Bank3OrgMSP']);
    });
});
