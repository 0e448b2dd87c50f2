import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toolsDir } from '../client';
import { binDir, binary, sampleConfigDir } from './layout';
import { run, type Reporter } from './run';
import { FABRIC, FABRIC_CA } from './versions';

const STAMP = (): string => path.join(binDir(), 'versions.json');
const ALL_COMMANDS = [...FABRIC.commands, ...FABRIC_CA.commands];
const SAMPLE_CONFIG_FILES = ['core.yaml', 'orderer.yaml'];
const wanted = { fabric: FABRIC.version, ca: FABRIC_CA.version };

export function binariesReady(): boolean {
    if (!existsSync(STAMP())) {
        return false;
    }
    const stamp = JSON.parse(readFileSync(STAMP(), 'utf8')) as { fabric?: string; ca?: string };
    return (
        stamp.fabric === wanted.fabric &&
        stamp.ca === wanted.ca &&
        ALL_COMMANDS.every((command) => existsSync(binary(command))) &&
        SAMPLE_CONFIG_FILES.every((file) => existsSync(path.join(sampleConfigDir(), file)))
    );
}

/**
 * Puts the pinned Fabric and Fabric CA binaries (and Fabric's sample core.yaml / orderer.yaml) into
 * .fabric/. Skips when they are already there; copies them from MPT_FABRIC_RELEASE_DIR (an unpacked
 * official release: bin/ and config/) when set; otherwise builds them with `go install`.
 */
export async function ensureBinaries(reporter: Reporter): Promise<void> {
    if (binariesReady()) {
        reporter.detail(`Fabric ${FABRIC.version} and Fabric CA ${FABRIC_CA.version} binaries found in ${binDir()}`);
        return;
    }
    mkdirSync(binDir(), { recursive: true });
    mkdirSync(sampleConfigDir(), { recursive: true });
    const releaseDir = process.env.MPT_FABRIC_RELEASE_DIR;
    if (releaseDir) {
        await copyRelease(releaseDir, reporter);
    } else {
        await buildWithGo(reporter);
    }
    writeFileSync(STAMP(), JSON.stringify(wanted, null, 2));
}

async function copyRelease(releaseDir: string, reporter: Reporter): Promise<void> {
    reporter.step(`Copying Fabric binaries from ${releaseDir}`);
    for (const command of ALL_COMMANDS) {
        const source = path.join(releaseDir, 'bin', command);
        if (!existsSync(source)) {
            throw new Error(`MPT_FABRIC_RELEASE_DIR=${releaseDir} has no bin/${command}`);
        }
        copyFileSync(source, binary(command));
        chmodSync(binary(command), 0o755);
    }
    const version = await run(binary('peer'), ['version']);
    if (!version.includes(`Version: ${FABRIC.version}`)) {
        throw new Error(`${releaseDir}/bin/peer is not Fabric ${FABRIC.version}:\n${version}`);
    }
    copySampleConfig(path.join(releaseDir, 'config'));
}

async function buildWithGo(reporter: Reporter): Promise<void> {
    await requireTool('go', ['version'], 'Go 1.22 or newer is needed to build the Fabric binaries');
    await requireTool('gcc', ['--version'], 'a C compiler (gcc) is needed to build fabric-ca-server (it uses sqlite)');
    reporter.step(
        `Building Fabric ${FABRIC.version} and Fabric CA ${FABRIC_CA.version} with go install (first time: a few minutes)`,
    );
    await goInstall(FABRIC.module, FABRIC.moduleVersion, FABRIC.commands, {
        cgo: false,
        ldflags: `-X ${FABRIC.module}/common/metadata.Version=${FABRIC.version} -X ${FABRIC.module}/common/metadata.CommitSHA=${FABRIC.commit}`,
        reporter,
    });
    await goInstall(FABRIC_CA.module, FABRIC_CA.moduleVersion, FABRIC_CA.commands, {
        cgo: true,
        ldflags: `-X ${FABRIC_CA.module}/lib/metadata.Version=${FABRIC_CA.version}`,
        reporter,
    });
    const download = await run('go', ['mod', 'download', '-json', `${FABRIC.module}@${FABRIC.moduleVersion}`], {
        env: goEnv(false),
        cwd: wrapperModule(FABRIC.module, FABRIC.moduleVersion),
    });
    copySampleConfig(path.join((JSON.parse(download) as { Dir: string }).Dir, 'sampleconfig'));
}

function copySampleConfig(from: string): void {
    for (const file of SAMPLE_CONFIG_FILES) {
        const target = path.join(sampleConfigDir(), file);
        copyFileSync(path.join(from, file), target);
        chmodSync(target, 0o644);
    }
}

async function requireTool(command: string, args: string[], why: string): Promise<void> {
    try {
        await run(command, args, { timeoutMs: 10_000 });
    } catch {
        throw new Error(
            `${why}, but \`${command}\` was not found on PATH.\n` +
                `Install it (Debian: apt-get install golang-go gcc, or Go from https://go.dev/dl), or set\n` +
                `MPT_FABRIC_RELEASE_DIR to an unpacked official Fabric ${FABRIC.version} release that also holds\n` +
                `fabric-ca-server and fabric-ca-client ${FABRIC_CA.version} in its bin/ directory.`,
        );
    }
}

function goEnv(cgo: boolean): NodeJS.ProcessEnv {
    // -mod=mod lets the throw-away wrapper module record go.sum entries (still verified against the
    // checksum database); GOTOOLCHAIN=local fails fast instead of downloading another Go.
    return {
        ...process.env,
        GOBIN: binDir(),
        GOFLAGS: '-mod=mod',
        GOTOOLCHAIN: 'local',
        CGO_ENABLED: cgo ? '1' : '0',
    };
}

/**
 * `go install pkg@version` also reads the module's version list to check deprecations, which the proxy
 * refuses for Fabric; building from a tiny module that requires the pinned version avoids that call.
 */
function wrapperModule(module: string, version: string): string {
    const dir = path.join(toolsDir(), 'build', path.basename(module));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'go.mod'), `module mptbuild\n\ngo 1.22\n\nrequire ${module} ${version}\n`);
    return dir;
}

function goInstall(
    module: string,
    version: string,
    commands: readonly string[],
    options: { cgo: boolean; ldflags: string; reporter: Reporter },
): Promise<void> {
    const args = ['install', '-ldflags', options.ldflags, ...commands.map((command) => `${module}/cmd/${command}`)];
    const cwd = wrapperModule(module, version);
    return new Promise((resolve, reject) => {
        const child = spawn('go', args, { cwd, env: goEnv(options.cgo), stdio: ['ignore', 'pipe', 'pipe'] });
        const started = Date.now();
        let downloads = 0;
        let output = '';
        const onData = (chunk: Buffer): void => {
            const text = chunk.toString();
            output = (output + text).slice(-20_000);
            downloads += text.split('\n').filter((line) => line.startsWith('go: downloading')).length;
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        const progress = setInterval(() => {
            const seconds = Math.round((Date.now() - started) / 1000);
            options.reporter.detail(`  ${path.basename(module)}: ${seconds}s, ${downloads} modules downloaded`);
        }, 15_000);
        child.on('error', (error) => {
            clearInterval(progress);
            reject(error);
        });
        child.on('close', (code) => {
            clearInterval(progress);
            if (code === 0) {
                options.reporter.detail(
                    `  ${commands.join(', ')} built in ${Math.round((Date.now() - started) / 1000)}s`,
                );
                resolve();
            } else {
                reject(new Error(`go install ${module}@${version} failed (exit ${code}):\n${output.trim()}`));
            }
        });
    });
}
