#!/usr/bin/env node
// A private PostgreSQL server for the tests of the read side (the projection runs on SQLite and on PostgreSQL, and
// both are tested for real). Plain Node, like ensure-schemathesis.js, so a fresh clone's `npm test` needs nothing but
// Debian's packages:
//
//   node scripts/ensure-postgres.js start   installs Debian's `postgresql` when no server binaries are found,
//                                           initialises a cluster once, starts it on a free 127.0.0.1 port when it
//                                           is not running; prints its URL last
//   node scripts/ensure-postgres.js url     prints the URL of the running cluster (exit 1 when it is not running)
//   node scripts/ensure-postgres.js stop    stops the cluster (pg_ctl stop on its own data directory)
//
// PostgreSQL refuses to run as root: as root the cluster belongs to Debian's `postgres` user (created by the
// package) and every server command runs through `runuser -u postgres`; as anyone else it belongs to that user.
// Its password and port are in .fabric/postgres. Its data directory is there too, except as root: then it is in
// /var/tmp/mpt-postgres-<checkout hash>, because the postgres user cannot pass through a checkout under a private
// folder (mktemp -d makes /tmp/tmp.* 0700).
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const home = path.join(root, '.fabric', 'postgres');
const clusterHome = isRootUser()
    ? path.join('/var/tmp', `mpt-postgres-${crypto.createHash('sha256').update(root).digest('hex').slice(0, 12)}`)
    : home;
const data = path.join(clusterHome, 'data');
const passwordFile = path.join(home, 'password');
const portFile = path.join(home, 'port');
const USER = 'mpt';
const DATABASE = 'mpt';
const isRoot = isRootUser();
const step = (message) => process.stderr.write(`==> ${message}\n`);

function isRootUser() {
    return process.getuid?.() === 0;
}

function binDir() {
    const base = '/usr/lib/postgresql';
    const versions = fs.existsSync(base)
        ? fs
              .readdirSync(base)
              .filter((version) => fs.existsSync(path.join(base, version, 'bin', 'initdb')))
              .sort((a, b) => Number(b) - Number(a))
        : [];
    return versions.length === 0 ? undefined : path.join(base, versions[0], 'bin');
}

function installServer() {
    if (!isRoot) {
        throw new Error('PostgreSQL server binaries not found: install Debian\'s "postgresql" package (as root)');
    }
    step('Installing PostgreSQL from Debian packages (apt-get install postgresql, once)');
    const apt = (args) =>
        execFileSync('apt-get', args, {
            stdio: ['ignore', process.stderr, 'inherit'],
            env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        });
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'postgresql']);
}

/** Runs a server program as the cluster's owner; its output goes to our stderr (stdout carries only the URL). */
function asOwner(program, args, options = {}) {
    const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
    // from /: the owner may not be able to enter the checkout (every path given is absolute)
    return execFileSync(cmd, argv, { stdio: ['ignore', process.stderr, 'inherit'], cwd: '/', ...options });
}

function initialise(bin) {
    step(`Initialising a PostgreSQL cluster in ${data} (once)`);
    if (running(bin)) {
        asOwner(path.join(bin, 'pg_ctl'), ['stop', '--pgdata', data, '--mode', 'fast', '--wait']);
    }
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(clusterHome, { recursive: true, force: true });
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    fs.mkdirSync(clusterHome, { recursive: true, mode: 0o700 });
    const password = crypto.randomBytes(18).toString('base64url');
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
    // initdb, run as the cluster's owner, reads the password from a file of its own, removed right after
    const initPasswordFile = path.join(clusterHome, 'initdb-password');
    fs.writeFileSync(initPasswordFile, password, { mode: 0o600 });
    if (isRoot) {
        execFileSync('chown', ['-R', 'postgres:postgres', clusterHome]);
    }
    asOwner(path.join(bin, 'initdb'), [
        '--pgdata',
        data,
        '--username',
        USER,
        '--pwfile',
        initPasswordFile,
        // the socket is in the data directory (0700, the owner's): only the owner and root reach it
        '--auth-local',
        'trust',
        '--auth-host',
        'scram-sha-256',
        '--encoding',
        'UTF8',
        '--locale',
        'C',
    ]);
    fs.rmSync(initPasswordFile);
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

function running(bin) {
    if (!fs.existsSync(path.join(data, 'postmaster.pid'))) {
        return false;
    }
    try {
        asOwner(path.join(bin, 'pg_ctl'), ['status', '--pgdata', data], { stdio: 'ignore' });
        return true;
    } catch {
        return false;
    }
}

function url() {
    const password = encodeURIComponent(fs.readFileSync(passwordFile, 'utf8').trim());
    const port = fs.readFileSync(portFile, 'utf8').trim();
    return `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;
}

async function start() {
    let bin = binDir();
    if (bin === undefined) {
        installServer();
        bin = binDir();
        if (bin === undefined) throw new Error('apt-get installed postgresql but no initdb was found');
    }
    if (!fs.existsSync(path.join(data, 'PG_VERSION')) || !fs.existsSync(passwordFile)) {
        initialise(bin);
    }
    if (!running(bin)) {
        const port = await freePort();
        fs.writeFileSync(portFile, `${port}\n`);
        step(`Starting PostgreSQL on 127.0.0.1:${port}`);
        asOwner(path.join(bin, 'pg_ctl'), [
            'start',
            '--pgdata',
            data,
            '--wait',
            '--log',
            path.join(data, 'server.log'),
            // the socket lives in the data directory: the default (/var/run/postgresql) may not exist or be shared
            '-o',
            `-p ${port} -c listen_addresses=127.0.0.1 -k ${data} -c fsync=off -c max_connections=50`,
        ]);
        if (!fs.existsSync(path.join(home, 'created'))) {
            asOwner(path.join(bin, 'createdb'), ['-h', data, '-p', String(port), '-U', USER, DATABASE]);
            fs.writeFileSync(path.join(home, 'created'), `${DATABASE}\n`);
        }
    }
    process.stdout.write(`${url()}\n`);
}

function stop() {
    const bin = binDir();
    if (bin !== undefined && running(bin)) {
        step('Stopping PostgreSQL');
        asOwner(path.join(bin, 'pg_ctl'), ['stop', '--pgdata', data, '--mode', 'fast', '--wait']);
    }
}

const command = process.argv[2] ?? 'start';
const commands = {
    start,
    stop,
    url: () => {
        const bin = binDir();
        if (bin === undefined || !running(bin)) {
            process.stderr.write('PostgreSQL is not running (node scripts/ensure-postgres.js start)\n');
            process.exit(1);
        }
        process.stdout.write(`${url()}\n`);
    },
};
if (!(command in commands)) {
    process.stderr.write('usage: node scripts/ensure-postgres.js start|url|stop\n');
    process.exit(2);
}
Promise.resolve()
    .then(() => commands[command]())
    .catch((error) => {
        process.stderr.write(`ensure-postgres: ${error.message}\n`);
        process.exit(1);
    });
