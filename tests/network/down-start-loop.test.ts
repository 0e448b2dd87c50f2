import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../network/client';
import { codeHash, queryCommitted } from '../../network/src/chaincode';
import { FabricNetwork } from '../../network/src/network';
import { asUser, json, networkCli, sha256Hex, type CliResult } from './support';

/**
 * `npm start` right after `npm run network:down` once failed with "connection refused" from a node that reported
 * healthy before it listened. Every step of `up` now waits for what it needs; this runs down → up over and over,
 * as the CLI a person uses, and once with an up that deploys changed chaincode (servers started, then committed).
 */
const ROUNDS = 3;

const network = new FabricNetwork();
// a copy of the compiled chaincode, changed by the deploy round without touching dist/
const chaincodeDir = mkdtempSync(path.join(tmpdir(), 'mpt-loop-chaincode-'));
cpSync(path.join(repoRoot(), 'dist', 'chaincode'), chaincodeDir, { recursive: true });

afterAll(async () => {
    // back on the built chaincode for the suites after this one
    await network.up();
    rmSync(chaincodeDir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<CliResult & { seconds: number }> {
    const started = Date.now();
    const result = await networkCli(args);
    return { ...result, seconds: (Date.now() - started) / 1000 };
}

/** Asserts the CLI exited 0, showing its output when it did not. */
function succeeded(result: CliResult): void {
    expect({ code: result.code, output: `${result.stdout}\n${result.stderr}` }).toMatchObject({ code: 0 });
}

/** A write through the MarketOrg peer, read back through CustomsOrg's. */
async function writeAndRead(): Promise<void> {
    const sha256 = sha256Hex();
    await asUser(network, 'MarketOrg', 'operator1', 'DocumentContract', async (contract) =>
        json(await contract.submitTransaction('RegisterDocument', sha256, 'PACKING_LIST')),
    );
    const read = await asUser(network, 'CustomsOrg', 'officer1', 'DocumentContract', async (contract) =>
        json<{ sha256: string }>(await contract.evaluateTransaction('GetDocument', sha256)),
    );
    expect(read).toMatchObject({ sha256 });
}

const running = (): string[] => network.processNames().filter((name) => network.isRunning(name));

describe('down → up in a loop', () => {
    it(`network:down then network:up, ${ROUNDS} times: every up ends healthy and takes a write`, async () => {
        const timings: string[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
            const down = await cli(['down']);
            succeeded(down);
            expect(running()).toEqual([]);
            const up = await cli(['up']);
            succeeded(up);
            const status = await cli(['status']);
            succeeded(status);
            await writeAndRead();
            timings.push(`round ${round}: down ${down.seconds}s, up ${up.seconds}s, status ${status.seconds}s`);
        }
        console.log(`down → up ×${ROUNDS}\n${timings.join('\n')}`);
    });

    it('down then an up that deploys changed chaincode: committed, healthy, takes a write', async () => {
        appendFileSync(path.join(chaincodeDir, 'src', 'index.js'), `\n// changed by ${path.basename(__filename)}\n`);
        const changed = new FabricNetwork({ chaincodeDir });
        const started = Date.now();
        await changed.down();
        expect(running()).toEqual([]);
        await changed.up();
        const seconds = (Date.now() - started) / 1000;
        const [first] = changed.topology.peerOrgs;
        if (first === undefined) throw new Error('no peer org');
        expect((await queryCommitted(changed.layout, changed.topology, first))?.version).toBe(codeHash(chaincodeDir));
        expect((await changed.status()).ok).toBe(true);
        await writeAndRead();
        console.log(`down → up with a chaincode deploy: ${seconds}s`);
    });
});
