#!/usr/bin/env node
// Installs Debian's Chromium, and a Chinese font for it to draw the console's pages with, when either is missing:
// playwright-core drives the system browser, since browser downloads do not work on these machines. Once both are
// installed this is two stats. Plain Node, like ensure-schemathesis.js, so a fresh clone's `npm test` (and .ci/run)
// needs nothing more than apt (as root, or with passwordless sudo). Prints the path of the browser last.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';
// without a CJK font every Chinese character is drawn as a box, in screenshots and for the layout checks
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const PACKAGES = [
    ['chromium', CHROMIUM],
    ['fonts-wqy-zenhei', CJK_FONT],
];

function install(packages) {
    const started = Date.now();
    const step = (message) => process.stderr.write(`==> ${message}\n`);
    step(`Installing ${packages.join(' and ')} with apt-get (once, about a minute)`);
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    // stdout of the child goes to our stderr: our stdout carries only the path of the browser
    const run = (args) =>
        execFileSync(root ? args[0] : 'sudo', root ? args.slice(1) : ['-n', ...args], {
            stdio: ['ignore', process.stderr, 'inherit'],
            env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        });
    step('apt-get update');
    run(['apt-get', 'update']);
    step(`apt-get install -y ${packages.join(' ')}`);
    run(['apt-get', 'install', '-y', ...packages]);
    for (const [name, file] of PACKAGES) {
        if (packages.includes(name) && !fs.existsSync(file)) {
            throw new Error(`apt-get installed ${name} but ${file} is still missing`);
        }
    }
    step(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const missing = PACKAGES.filter(([, file]) => !fs.existsSync(file)).map(([name]) => name);
if (missing.length > 0) install(missing);
process.stdout.write(`${CHROMIUM}\n`);
