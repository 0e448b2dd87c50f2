import { describe, expect, it } from '@jest/globals';
import { endorsementPolicy } from '../../../network/src/chaincode';
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
});
