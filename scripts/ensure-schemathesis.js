#!/usr/bin/env node
// Installs schemathesis (the API fuzzer of tests/network/fuzz.test.ts) from PyPI into a virtualenv under .fabric/,
// once: when the venv already holds the pinned version this is one stat. Prints the path of the `st` CLI last.
// Plain Node, like ensure-installed.js, so a fresh clone's `npm test` needs nothing but python3 (3.11 or newer,
// as schemathesis requires) with its venv module.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VERSION = '4.32.5';
const root = path.resolve(__dirname, '..');
const venv = path.join(root, '.fabric', 'schemathesis');
const st = path.join(venv, 'bin', 'st');
// written after a complete install, so an interrupted one is redone rather than half-used
const marker = path.join(venv, 'installed-version');

function installed() {
    return fs.existsSync(st) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === VERSION;
}

function install() {
    const started = Date.now();
    const step = (message) => process.stderr.write(`==> ${message}\n`);
    step(
        `Installing schemathesis ${VERSION} from PyPI into ${path.relative(root, venv)} (about 25 s, once; one line per package)`,
    );
    // stdout of the child goes to our stderr: our stdout carries only the path of the CLI
    const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
    const python = process.env.PYTHON ?? 'python3';
    try {
        run(python, ['-c', 'import sys, venv; sys.exit(sys.version_info < (3, 11))']);
    } catch {
        throw new Error(`schemathesis ${VERSION} needs Python 3.11 or newer with venv: set PYTHON to such a python3`);
    }
    fs.rmSync(venv, { recursive: true, force: true });
    run(python, ['-m', 'venv', venv]);
    run(path.join(venv, 'bin', 'python'), [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--progress-bar',
        'off',
        `schemathesis==${VERSION}`,
    ]);
    fs.writeFileSync(marker, `${VERSION}\n`);
    step(`schemathesis ${VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (!installed()) install();
process.stdout.write(`${st}\n`);
