import { afterAll, describe, expect, it } from '@jest/globals';
import { FabricNetwork, WATCHDOG } from '../../network/src/network';
import { recordedPid } from '../../network/src/processes';
import { waitFor } from '../../network/src/run';
import { networkCli } from './support';

const network = new FabricNetwork();

afterAll(async () => {
    await network.up();
});

describe('network:status', () => {
    it('exits 0 and reports every node when the network is healthy', async () => {
        const result = await networkCli(['status']);
        expect(result.code).toBe(0);
        for (const name of network.processNames()) {
            expect(result.stdout).toContain(name);
        }
    });

    it('exits non-zero and names the peer when one peer is stopped, and up brings it back', async () => {
        network.crash('peer0.bank.trade.test');
        const failing = await networkCli(['status']);
        expect(failing.code).not.toBe(0);
        expect(failing.stdout).toMatch(/FAIL\s+peer0\.bank\.trade\.test/);
        expect(failing.stderr).toContain('peer0.bank.trade.test');

        await network.up();
        const recovered = await networkCli(['status']);
        expect(recovered.code).toBe(0);
    });
});

describe('the watchdog', () => {
    it('restarts a crashed chaincode server, and the chaincode answers again', async () => {
        const name = 'mpt.customs.trade.test';
        const before = recordedPid(network.layout, name);
        await network.startWatchdog();
        try {
            network.crash(name);
            await waitFor(`${name} to be restarted`, async () => ((await network.status()).ok ? true : undefined), {
                timeoutMs: 60_000,
                intervalMs: 500,
            });
            expect(network.isRunning(name)).toBe(true);
            expect(recordedPid(network.layout, name)).not.toBe(before);
        } finally {
            await network.stopWatchdog();
        }
        expect(network.isRunning(WATCHDOG)).toBe(false);
    });
});
