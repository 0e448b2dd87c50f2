#!/usr/bin/env node
import { Command } from 'commander';
import { ensureBinaries } from './binaries';
import { connectionProfileFile } from './connection';
import { HostNetwork } from './host-network';
import { FabricNetwork } from './network';
import type { Reporter } from './run';

const consoleReporter: Reporter = {
    step: (message) => {
        console.log(`==> ${message}`);
    },
    detail: (message) => {
        console.log(`    ${message}`);
    },
};

interface GlobalOptions {
    topology?: string;
    stateDir?: string;
}

/** The network the global options name; without them, the one $MPT_TOPOLOGY / $MPT_STATE_DIR name, or the default. */
function open(command: Command): FabricNetwork {
    const { topology, stateDir } = command.optsWithGlobals<GlobalOptions>();
    return new FabricNetwork({ reporter: consoleReporter, topologyFile: topology, stateDir });
}

const program = new Command()
    .name('network')
    .description('Runs the market procurement trade Fabric network as native processes')
    .option('--topology <file>', 'topology file (default network/topology.yaml, or $MPT_TOPOLOGY)')
    .option('--state-dir <dir>', 'where this network keeps its files (default .fabric/net, or $MPT_STATE_DIR)');

program
    .command('binaries')
    .description('build or find the pinned Fabric and Fabric CA binaries')
    .action(() => ensureBinaries(consoleReporter));

interface HostOptions {
    host?: string;
    import?: string[];
}

/** `up --host`: this machine's share of a network spread over several hosts; says what other hosts must do next. */
async function upHost(command: Command, host: string, imports: readonly string[]): Promise<void> {
    const { topology, stateDir } = command.optsWithGlobals<GlobalOptions>();
    const network = new HostNetwork({ reporter: consoleReporter, topologyFile: topology, stateDir, host });
    const started = Date.now();
    const next = await network.up(imports);
    const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
    if (next.length === 0) {
        console.log(`\nHost ${network.host.name} is up and in the channel in ${took}.`);
        console.log(`  state:       ${network.layout.root}`);
        console.log(`  connection:  ${connectionProfileFile(network.layout)}`);
        return;
    }
    console.log(`\nHost ${network.host.name} has started its nodes (${took}) and waits for other hosts:`);
    for (const step of next) {
        console.log(`  host ${step.host}: ${step.action}`);
    }
    console.log(`Then run network:up --host ${network.host.name} again (with the files they give you as --import).`);
}

program
    .command('up')
    .description('start everything (idempotent) and wait until the network answers')
    .option('--host <name>', "start only this host's nodes (a name in the topology's hosts, or an address)")
    .option('--import <bundle...>', 'with --host: bundle files other hosts exported (network:export)')
    .action(async (options: HostOptions, command: Command) => {
        if (options.host) {
            await upHost(command, options.host, options.import ?? []);
            return;
        }
        if (options.import) {
            throw new Error('--import needs --host: bundles are for a network spread over several hosts');
        }
        const network = open(command);
        const started = Date.now();
        await network.up();
        console.log(`\nNetwork is up in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
        console.log(`  state:       ${network.layout.root}`);
        console.log(`  logs:        ${network.layout.logs}`);
        console.log(`  connection:  ${connectionProfileFile(network.layout)}`);
    });

program
    .command('export')
    .description("write what other hosts need of this host's nodes (certificates, channel block; no private key)")
    .requiredOption('--host <name>', "this host (a name in the topology's hosts, or an address)")
    .requiredOption('--out <file>', 'the bundle file to write')
    .action((options: { host: string; out: string }, command: Command) => {
        const { topology, stateDir } = command.optsWithGlobals<GlobalOptions>();
        const network = new HostNetwork({ topologyFile: topology, stateDir, host: options.host });
        const bundle = network.export(options.out);
        console.log(
            `Wrote ${Object.keys(bundle.files).length} public files of host ${network.host.name} to ${options.out}.`,
        );
    });

program
    .command('down')
    .description('stop every process; keep the ledger')
    .action(async (_options: unknown, command: Command) => {
        await open(command).down();
        console.log('Network stopped; data kept (network:up brings it back).');
    });

program
    .command('reset')
    .description('stop every process and delete the network state')
    .action(async (_options: unknown, command: Command) => {
        const network = open(command);
        await network.reset();
        console.log(`Network stopped and ${network.layout.root} deleted.`);
    });

program
    .command('status')
    .description('exit 0 only if every node is healthy, in step, and the chaincode answers')
    .action(async (_options: unknown, command: Command) => {
        const report = await open(command).status();
        for (const node of report.nodes) {
            const memory = node.memoryMiB === undefined ? '' : `${node.memoryMiB} MiB`;
            console.log(`${node.ok ? 'ok  ' : 'FAIL'}  ${node.name.padEnd(28)} ${memory.padStart(8)}  ${node.detail}`);
        }
        if (!report.ok) {
            const failed = report.nodes.filter((node) => !node.ok).map((node) => node.name);
            console.error(`\nnetwork is not healthy: ${failed.join(', ')}`);
            process.exitCode = 1;
        }
    });

program
    .command('watch')
    .description('stay in the foreground and restart any network process that stops (Ctrl-C to end)')
    .action(async (_options: unknown, command: Command) => {
        const network = open(command);
        const stop = new AbortController();
        process.once('SIGINT', () => {
            stop.abort();
        });
        process.once('SIGTERM', () => {
            stop.abort();
        });
        console.log(`Watching ${network.processNames().length} processes of ${network.layout.root}`);
        await network.watch(stop.signal);
    });

program
    .command('deploy')
    .description('package the current chaincode and upgrade it (next sequence) on the running network')
    .action(async (_options: unknown, command: Command) => {
        await open(command).deploy();
        console.log('Chaincode deployed.');
    });

program
    .command('add-org')
    .argument('<name>', 'the new bank organisation, e.g. Bank3Org (its MSP ID is <name>MSP)')
    .description('add a bank organisation to the running network: channel config update, peer, CA, chaincode')
    .action(async (name: string, _options: unknown, command: Command) => {
        const network = open(command);
        const started = Date.now();
        const added = await network.addOrg(name);
        const { org } = added;
        const signed =
            added.signers.length > 0
                ? `signed by the admins of ${added.signers.map((signer) => signer.mspId).join(', ')}`
                : 'the channel already had it';
        console.log(
            `\n${org.name} (${org.mspId}) joined channel ${network.topology.channel} in ${((Date.now() - started) / 1000).toFixed(1)}s.`,
        );
        console.log(`  config update:  ${signed}`);
        console.log(
            `  chaincode:      definition sequence ${added.sequence ?? '?'}, endorsed by any 2 of ${network.topology.peerOrgs.length} orgs`,
        );
        console.log(`  peer:           ${org.host}:${org.peerPort} (operations ${org.operationsPort})`);
        console.log(`  CA:             https://${org.host}:${org.caPort}`);
        console.log(
            `  admin wallet:   ${added.wallet} (admin = the CA's bootstrap identity, registrar = onboards people)`,
        );
        console.log(`  connection:     ${added.connectionProfile} (now lists ${org.name})`);
        console.log('');
        console.log('A running gateway reads the connection profile and its API keys when it starts. To give the new');
        console.log(
            `bank its admin API key (${org.name}'s registrar: it onboards the bank's officers) and let the gateway`,
        );
        console.log('serve it, either run `npm start` again (restarts the gateway; the new key is in');
        console.log(
            `.fabric/gateway/demo-keys.env as ${org.name.toUpperCase()}_REGISTRAR_KEY), or, for a gateway you run yourself,`,
        );
        console.log('run `npm run gateway:bootstrap` (prints the new key once) and restart the gateway.');
    });

program.parseAsync().catch((error: unknown) => {
    console.error(`\nerror: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
